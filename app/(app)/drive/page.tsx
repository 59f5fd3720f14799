import { FolderX, Trash2 } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { UsageBar } from "@/components/drive/usage-bar";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { listFolder } from "@/lib/drive/folders";
import { getUsage } from "@/lib/drive/quota";
import { browseParamsSchema, firstParam } from "@/lib/drive/schemas";
import { DriveBrowser } from "./_components/drive-browser";

export const metadata: Metadata = { title: "Drive" };

export default async function DrivePage({ searchParams }: PageProps<"/drive">) {
  const user = await requireUser("/drive");
  const params = browseParamsSchema.parse(firstParam(await searchParams));
  const [listing, usage] = await Promise.all([
    listFolder(user.id, {
      folderId: params.folder,
      sort: params.sort,
      dir: params.dir,
      page: params.page,
      q: params.q,
    }),
    getUsage(user.id),
  ]);
  const title = listing?.q ? "Search" : (listing?.folder?.name ?? "My Drive");

  return (
    <div className="grid gap-5">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div className="flex min-w-0 items-center gap-2">
          <h1 className="min-w-0 truncate text-2xl font-semibold tracking-tight" title={title}>
            {title}
          </h1>
          <Button asChild variant="ghost" size="sm" className="ml-auto sm:ml-2">
            <Link href="/drive/trash">
              <Trash2 aria-hidden />
              Trash
            </Link>
          </Button>
        </div>
        <UsageBar usage={usage} />
      </div>
      {listing ? (
        <DriveBrowser
          // A new folder, page or order starts with nothing selected and no dialogs open.
          key={[listing.folder?.id, listing.q, listing.sort, listing.dir, listing.page].join("|")}
          listing={listing}
        />
      ) : (
        <div className="flex flex-col items-center gap-3 rounded-lg border bg-card px-6 py-16 text-center">
          <FolderX className="size-10 text-muted-foreground" aria-hidden />
          <h2 className="font-medium">This folder does not exist</h2>
          <p className="max-w-sm text-sm text-muted-foreground">
            It may have been moved to the trash or deleted, or the link is wrong.
          </p>
          <Button asChild variant="outline">
            <Link href="/drive">Go to My Drive</Link>
          </Button>
        </div>
      )}
    </div>
  );
}
