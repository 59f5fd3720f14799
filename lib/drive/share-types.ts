// What the owner's share dialog sees of a link. No server imports.

export type ShareLinkState = "active" | "expired" | "limit-reached" | "revoked";

export type ShareLinkView = {
  id: string;
  token: string;
  state: ShareLinkState;
  hasPassword: boolean;
  expiresAt: string | null;
  maxDownloads: number | null;
  downloadCount: number;
  revokedAt: string | null;
  // Set while too many wrong passwords have locked the link (lib/drive/share-links.ts SHARE_LOCK).
  lockedUntil: string | null;
  createdAt: string;
};

export function shareLinkState(
  link: {
    revokedAt: Date | null;
    expiresAt: Date | null;
    maxDownloads: number | null;
    downloadCount: number;
  },
  now = new Date(),
): ShareLinkState {
  if (link.revokedAt) return "revoked";
  if (link.expiresAt && link.expiresAt.getTime() <= now.getTime()) return "expired";
  if (link.maxDownloads !== null && link.downloadCount >= link.maxDownloads) return "limit-reached";
  return "active";
}
