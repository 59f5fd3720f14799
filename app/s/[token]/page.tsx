import { Ban, CalendarX, Download, FileIcon, Lock, SearchX } from "lucide-react";
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { LocalDateTime } from "@/components/shared/local-date-time";
import { SharePasswordForm } from "@/components/drive/share-password-form";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { visitorView } from "@/lib/drive/share-links";
import { shareRefusal, shareRefusalTitle, type ShareRefusal } from "@/lib/drive/share-messages";
import { shareTokenSchema } from "@/lib/drive/share-schemas";
import { formatBytes } from "@/lib/format/numbers";

export const metadata: Metadata = { title: "Shared file" };
export const dynamic = "force-dynamic";

const ICONS = { "not-found": SearchX, revoked: Ban, expired: CalendarX, "limit-reached": Ban };

function Refused({ reason }: { reason: ShareRefusal }) {
  const Icon = ICONS[reason];
  return (
    <Card data-testid="share-refused">
      <CardHeader className="items-center text-center">
        <Icon className="mb-2 size-10 text-muted-foreground" aria-hidden />
        <CardTitle>
          <span className="text-xl">{shareRefusalTitle(reason)}</span>
        </CardTitle>
        <CardDescription>{shareRefusal(reason)}</CardDescription>
      </CardHeader>
    </Card>
  );
}

export default async function SharePage({ params }: PageProps<"/s/[token]">) {
  const token = shareTokenSchema.safeParse((await params).token);
  if (!token.success) return <Refused reason="not-found" />;
  const jar = await cookies();
  const view = await visitorView(token.data, (name) => jar.get(name)?.value);

  if (view.status === "locked") {
    return (
      <Card>
        <CardHeader className="items-center text-center">
          <Lock className="mb-2 size-10 text-muted-foreground" aria-hidden />
          <CardTitle>
            <span className="text-xl">This file is protected</span>
          </CardTitle>
          <CardDescription>Enter the password you were given to open it.</CardDescription>
        </CardHeader>
        <CardContent>
          <SharePasswordForm token={token.data} />
        </CardContent>
      </Card>
    );
  }
  if (view.status !== "open") return <Refused reason={view.status} />;

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
        <form method="post" action={`/api/share/${token.data}/download`}>
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
