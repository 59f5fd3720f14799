import { ChevronRight, HardDrive } from "lucide-react";
import Link from "next/link";
import type { Crumb } from "@/lib/drive/listing-types";
import type { SortDir, SortKey } from "@/lib/drive/schemas";
import { driveHref } from "@/lib/drive/hrefs";

export function Breadcrumbs({
  crumbs,
  sort,
  dir,
}: {
  crumbs: Crumb[];
  sort: SortKey;
  dir: SortDir;
}) {
  const linkClass =
    "block max-w-[12rem] truncate rounded-sm hover:text-foreground hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";
  return (
    <nav aria-label="Breadcrumb" className="min-w-0">
      <ol className="flex flex-wrap items-center gap-1 text-sm text-muted-foreground">
        <li className="flex items-center gap-1.5">
          <HardDrive className="size-4" aria-hidden />
          {crumbs.length === 0 ? (
            <span aria-current="page" className="font-medium text-foreground">
              My Drive
            </span>
          ) : (
            <Link href={driveHref({ sort, dir })} className={linkClass}>
              My Drive
            </Link>
          )}
        </li>
        {crumbs.map((crumb, i) => (
          <li key={crumb.id} className="flex min-w-0 items-center gap-1">
            <ChevronRight className="size-4 shrink-0" aria-hidden />
            {i === crumbs.length - 1 ? (
              <span
                aria-current="page"
                className="block max-w-[16rem] truncate font-medium text-foreground"
                title={crumb.name}
              >
                {crumb.name}
              </span>
            ) : (
              <Link
                href={driveHref({ folder: crumb.id, sort, dir })}
                className={linkClass}
                title={crumb.name}
              >
                {crumb.name}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
