"use client";

import { Check, Copy, KeyRound, Lock, Pencil, Trash2 } from "lucide-react";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { revokeShareLinkAction } from "@/lib/drive/share-actions";
import type { ShareLinkState, ShareLinkView } from "@/lib/drive/share-types";
import { cn } from "@/lib/utils";
import { ShareLinkForm } from "./share-link-form";

const STATE_LABEL: Record<ShareLinkState, string> = {
  active: "Active",
  expired: "Expired",
  "limit-reached": "Limit reached",
  revoked: "Revoked",
};

function when(iso: string): string {
  return new Date(iso).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

function details(link: ShareLinkView): string[] {
  const downloads =
    link.maxDownloads === null
      ? `${link.downloadCount} download${link.downloadCount === 1 ? "" : "s"}`
      : `${link.downloadCount} of ${link.maxDownloads} downloads`;
  const expiry = link.expiresAt
    ? `${link.state === "expired" ? "Expired" : "Expires"} ${when(link.expiresAt)}`
    : "No expiry";
  return [downloads, link.revokedAt ? `Revoked ${when(link.revokedAt)}` : expiry];
}

export function ShareLinkRow({
  link,
  isNew,
  onChanged,
}: {
  link: ShareLinkView;
  isNew: boolean;
  onChanged(): void;
}) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const url = `${window.location.origin}/s/${link.token}`;
  const active = link.state === "active";

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setError("Copying was blocked by the browser; select the link and copy it by hand.");
    }
  }

  function revoke() {
    startTransition(async () => {
      const result = await revokeShareLinkAction(link.id);
      if (!result.ok) setError(result.message ?? "The link could not be revoked.");
      setConfirming(false);
      onChanged();
    });
  }

  return (
    <li
      className={cn(
        "grid min-w-0 gap-2 rounded-md border p-3",
        isNew && "border-primary/60 bg-primary/5",
        link.state === "revoked" && "opacity-70",
      )}
      data-testid="share-link"
    >
      <div className="flex min-w-0 flex-wrap items-center gap-2">
        <span
          className={cn(
            "shrink-0 rounded-full px-2 py-0.5 text-xs font-medium",
            active ? "bg-success/15 text-success" : "bg-muted text-muted-foreground",
          )}
          data-testid="share-link-state"
        >
          {STATE_LABEL[link.state]}
        </span>
        {link.lockedUntil && link.state === "active" && (
          <span
            className="flex items-center gap-1 rounded-full bg-destructive/10 px-2 py-0.5 text-xs font-medium text-destructive"
            data-testid="share-link-locked"
            title="Too many wrong passwords were tried. Set a new password to unlock it now."
          >
            <Lock className="size-3" aria-hidden />
            Locked until {when(link.lockedUntil)}
          </span>
        )}
        {link.hasPassword && (
          <span className="flex shrink-0 items-center gap-1 text-xs text-muted-foreground">
            <KeyRound className="size-3" aria-hidden />
            Password
          </span>
        )}
      </div>
      <input
        readOnly
        value={url}
        aria-label="Link address"
        onFocus={(e) => e.currentTarget.select()}
        className="w-full min-w-0 truncate rounded-md border bg-muted px-2 py-1.5 font-mono text-xs"
        data-testid="share-link-url"
      />
      <p className="text-xs text-muted-foreground">{details(link).join(" · ")}</p>
      {error && <Alert>{error}</Alert>}
      {link.state !== "revoked" && !editing && (
        <div className="flex flex-wrap gap-2">
          <Button size="sm" variant="outline" onClick={copy} disabled={!active}>
            {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
            {copied ? "Copied" : "Copy link"}
          </Button>
          <Button size="sm" variant="outline" onClick={() => setEditing(true)}>
            <Pencil aria-hidden />
            Edit
          </Button>
          {confirming ? (
            <>
              <Button size="sm" variant="destructive" onClick={revoke} disabled={pending}>
                {pending ? "Revoking…" : "Yes, revoke"}
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
                Keep
              </Button>
            </>
          ) : (
            <Button size="sm" variant="ghost" onClick={() => setConfirming(true)}>
              <Trash2 aria-hidden />
              Revoke
            </Button>
          )}
        </div>
      )}
      {editing && (
        <div className="mt-1 border-t pt-3">
          <ShareLinkForm
            mode={{ kind: "edit", link }}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              onChanged();
            }}
          />
        </div>
      )}
    </li>
  );
}
