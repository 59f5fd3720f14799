// What visitors of a share link are told. One wording for every refusal, shared by the public
// page, its password step and the download route. No server imports.

export type ShareRefusal = "not-found" | "revoked" | "expired" | "limit-reached";

export function shareRefusal(reason: ShareRefusal): string {
  switch (reason) {
    case "revoked":
      return "The owner has turned this link off. Ask them for a new one.";
    case "expired":
      return "This link has expired. Ask the owner for a new one.";
    case "limit-reached":
      return "This link has reached its download limit. Ask the owner for a new one.";
    default:
      // Unknown, deleted and trashed files all read the same, so a token reveals nothing.
      return "This link does not exist or the file is no longer shared.";
  }
}

export function shareRefusalTitle(reason: ShareRefusal): string {
  switch (reason) {
    case "revoked":
      return "Link turned off";
    case "expired":
      return "Link expired";
    case "limit-reached":
      return "Download limit reached";
    default:
      return "Link not found";
  }
}

export function throttledMessage(retryAt: Date, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
  return `Too many wrong passwords. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
