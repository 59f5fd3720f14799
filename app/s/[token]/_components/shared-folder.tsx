import { ChevronRight, Download } from "lucide-react";
import Link from "next/link";
import { ItemIdentity, ItemName } from "@/components/drive/item-row-parts";
import { LocalDate } from "@/components/shared/local-date";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { SharedFolderContents } from "@/lib/drive/share-links";
import { formatBytes } from "@/lib/format/numbers";

function atHref(token: string, folderId: string | null): string {
  return folderId ? `/s/${token}?at=${encodeURIComponent(folderId)}` : `/s/${token}`;
}

/** A folder link's public page: read-only listing, one Download button per file. */
export function SharedFolder({
  token,
  contents,
  downloadsLeft,
  expiresAt,
}: {
  token: string;
  contents: SharedFolderContents;
  downloadsLeft: number | null;
  expiresAt: string | null;
}) {
  const root = contents.path[0];
  const empty = contents.folders.length === 0 && contents.files.length === 0;
  return (
    <Card data-wide>
      <CardHeader>
        <CardDescription>Someone shared a folder with you</CardDescription>
        <CardTitle className="break-words leading-snug" data-testid="shared-folder-name">
          <span className="text-xl">{root?.name}</span>
        </CardTitle>
        {contents.path.length > 1 && (
          <nav aria-label="Folder path" className="text-sm">
            <ol className="flex flex-wrap items-center gap-1 text-muted-foreground">
              {contents.path.map((crumb, i) => (
                <li key={crumb.id} className="flex min-w-0 items-center gap-1">
                  {i > 0 && <ChevronRight className="size-3.5 shrink-0" aria-hidden />}
                  {i === contents.path.length - 1 ? (
                    <span aria-current="page" className="truncate font-medium text-foreground">
                      {crumb.name}
                    </span>
                  ) : (
                    <Link
                      href={atHref(token, i === 0 ? null : crumb.id)}
                      className="truncate hover:underline"
                    >
                      {crumb.name}
                    </Link>
                  )}
                </li>
              ))}
            </ol>
          </nav>
        )}
      </CardHeader>
      <CardContent className="grid gap-3">
        {empty ? (
          <p className="py-8 text-center text-sm text-muted-foreground">This folder is empty.</p>
        ) : (
          <ul className="divide-y rounded-md border" aria-label="Shared items">
            {contents.folders.map((folder) => (
              <li
                key={folder.id}
                className="flex items-center gap-3 px-3 py-2"
                data-testid="shared-item"
              >
                <ItemIdentity
                  item={{ kind: "folder" }}
                  name={
                    <Link
                      href={atHref(token, folder.id)}
                      className="min-w-0 truncate font-medium hover:underline"
                    >
                      {folder.name}
                    </Link>
                  }
                />
              </li>
            ))}
            {contents.files.map((file) => (
              <li
                key={file.id}
                className="flex items-center gap-3 px-3 py-2"
                data-testid="shared-item"
              >
                <ItemIdentity
                  item={{ kind: "file", ...file }}
                  name={<ItemName name={file.name} />}
                  sub={
                    <span className="text-xs text-muted-foreground">
                      {formatBytes(file.size)} · <LocalDate iso={file.updatedAt} />
                    </span>
                  }
                />
                <form method="post" action={`/api/share/${token}/download`}>
                  <input type="hidden" name="fileId" value={file.id} />
                  <Button
                    type="submit"
                    size="sm"
                    variant="outline"
                    aria-label={`Download ${file.name}`}
                  >
                    <Download aria-hidden />
                    <span className="hidden sm:inline">Download</span>
                  </Button>
                </form>
              </li>
            ))}
          </ul>
        )}
        {contents.truncated && (
          <p className="text-center text-xs text-muted-foreground">
            Only the first items of this folder are listed.
          </p>
        )}
        {(downloadsLeft !== null || expiresAt) && (
          <p className="text-center text-xs text-muted-foreground" data-testid="share-limits">
            {downloadsLeft !== null &&
              `${downloadsLeft} download${downloadsLeft === 1 ? "" : "s"} left`}
            {downloadsLeft !== null && expiresAt && " · "}
            {expiresAt && (
              <>
                Available until <LocalDateTime iso={expiresAt} />
              </>
            )}
          </p>
        )}
      </CardContent>
    </Card>
  );
}
