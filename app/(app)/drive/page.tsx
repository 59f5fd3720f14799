import { Trash2 } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense } from "react";
import { UsageBar } from "@/components/drive/usage-bar";
import { ContentSearchBox } from "@/components/search/content-search-box";
import { Button } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { getBreadcrumbs, listFolder } from "@/lib/drive/folders";
import { getUsage } from "@/lib/drive/quota";
import { browseParamsSchema, firstParam } from "@/lib/drive/schemas";
import { DriveBrowser } from "./_components/drive-browser";
import { DriveSkeleton } from "./_components/drive-skeleton";

export const metadata: Metadata = { title: "Drive" };

type BrowseParams = ReturnType<typeof browseParamsSchema.parse>;

export default async function DrivePage({ searchParams }: PageProps<"/drive">) {
  const user = await requireUser("/drive");
  const raw = firstParam(await searchParams);
  const params = browseParamsSchema.parse(raw);
  // The folder is checked before anything streams, so a missing one (trashed, deleted, another
  // user's, a malformed id) answers 404: once the skeleton below has streamed, the status is 200.
  if (!params.q && raw.folder && !(params.folder && (await getBreadcrumbs(user.id, params.folder))))
    notFound();
  return (
    <Suspense key={JSON.stringify(params)} fallback={<DriveSkeleton />}>
      <DriveListing userId={user.id} params={params} />
    </Suspense>
  );
}

async function DriveListing({ userId, params }: { userId: string; params: BrowseParams }) {
  const [listing, usage] = await Promise.all([
    listFolder(userId, {
      folderId: params.folder,
      sort: params.sort,
      dir: params.dir,
      page: params.page,
      q: params.q,
    }),
    getUsage(userId),
  ]);
  // Trashed between the check above and here: the not-found page, in a 200 by now.
  if (!listing) notFound();
  const title = listing.q ? "Search" : (listing.folder?.name ?? "My Drive");

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
        <div className="flex flex-col gap-3 sm:items-end">
          <ContentSearchBox />
          <UsageBar usage={usage} />
        </div>
      </div>
      <DriveBrowser
        // A new folder, page or order starts with nothing selected and no dialogs open.
        key={[listing.folder?.id, listing.q, listing.sort, listing.dir, listing.page].join("|")}
        listing={listing}
      />
    </div>
  );
}
