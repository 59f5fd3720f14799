"use client";

import { ChevronRight, HardDrive } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";
import { useDropTarget, type DragMove } from "./file-table";
import type { Crumb } from "@/lib/drive/listing-types";
import type { SortDir, SortKey } from "@/lib/drive/schemas";
import { driveHref } from "@/lib/drive/hrefs";

/** A crumb that takes dropped Drive items (drag-to-move onto a parent folder). */
function DropCrumb({
  folderId,
  name,
  drag,
  className,
  children,
}: {
  folderId: string | null;
  name: string;
  drag: DragMove | undefined;
  className: string;
  children: ReactNode;
}) {
  const drop = useDropTarget(folderId, name, drag);
  return (
    <li
      className={cn(
        className,
        "rounded-sm",
        drop.over && "bg-primary/10 outline-2 outline-primary",
      )}
      data-testid="crumb"
      {...drop.props}
    >
      {children}
    </li>
  );
}

export function Breadcrumbs({
  crumbs,
  sort,
  dir,
  drag,
}: {
  crumbs: Crumb[];
  sort: SortKey;
  dir: SortDir;
  drag?: DragMove;
}) {
  const linkClass =
    "block max-w-[12rem] truncate rounded-sm hover:text-foreground hover:underline focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";
  return (
    <nav aria-label="Breadcrumb" className="min-w-0">
      <ol className="flex flex-wrap items-center gap-1 text-sm text-muted-foreground">
        <DropCrumb
          folderId={null}
          name="My Drive"
          drag={crumbs.length === 0 ? undefined : drag}
          className="flex items-center gap-1.5"
        >
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
        </DropCrumb>
        {crumbs.map((crumb, i) => (
          <DropCrumb
            key={crumb.id}
            folderId={crumb.id}
            name={crumb.name}
            drag={i === crumbs.length - 1 ? undefined : drag}
            className="flex min-w-0 items-center gap-1"
          >
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
          </DropCrumb>
        ))}
      </ol>
    </nav>
  );
}
