import { Download, FileIcon, Lock } from "lucide-react";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { SharePasswordForm } from "@/components/drive/share-password-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatBytes } from "@/lib/format/numbers";
import { sharedFolderContents } from "@/lib/drive/share-links";
import { shareAtSchema } from "@/lib/drive/share-schemas";
import { SharedFolder } from "./_components/shared-folder";
import { refusalOf, shareView } from "./_lib/visitor-view";

export const metadata: Metadata = { title: "Shared with you" };
export const dynamic = "force-dynamic";

export default async function SharePage({ params, searchParams }: PageProps<"/s/[token]">) {
  const found = await shareView((await params).token);
  // Missing, revoked, expired, used up: a 404, with the reason (not-found.tsx, via the layout).
  if (!found || refusalOf(found)) notFound();
  const { token, view } = found;

  if (view.status === "locked") {
    return (
      <Card>
        <CardHeader className="items-center text-center">
          <Lock className="mb-2 size-10 text-muted-foreground" aria-hidden />
          <CardTitle>
            <span className="text-xl">This {view.kind} is protected</span>
          </CardTitle>
          <CardDescription>Enter the password you were given to open it.</CardDescription>
        </CardHeader>
        <CardContent>
          <SharePasswordForm token={token} />
        </CardContent>
      </Card>
    );
  }
  if (view.status !== "open") notFound();

  if (view.kind === "folder") {
    const at = shareAtSchema.parse((await searchParams).at ?? null);
    // A folder id outside the shared folder (or trashed, or someone else's) is simply not found.
    const contents = await sharedFolderContents(token, at);
    if (!contents) notFound();
    return (
      <SharedFolder
        token={token}
        contents={contents}
        downloadsLeft={view.downloadsLeft}
        expiresAt={view.expiresAt}
      />
    );
  }

  const { file, downloadsLeft, expiresAt } = view;
  return (
    <Card>
      <CardHeader className="items-center text-center">
        <FileIcon className="mb-2 size-10 text-primary" aria-hidden />
        <CardDescription>Someone shared a file with you</CardDescription>
        <CardTitle className="max-w-full break-words leading-snug" data-testid="shared-file-name">
          <span className="text-xl">{file.name}</span>
        </CardTitle>
        <CardDescription data-testid="shared-file-size">{formatBytes(file.size)}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <form method="post" action={`/api/share/${token}/download`}>
          <Button type="submit" size="lg" className="w-full">
            <Download aria-hidden />
            Download
          </Button>
        </form>
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
