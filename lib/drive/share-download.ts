import "server-only";
import { contentDisposition } from "@/lib/storage/content-disposition";
import { getObjectStream } from "@/lib/storage/objects";
import { jsonError, NO_STORE } from "@/lib/server/route";
import type { SharedFile } from "./share-links";

// A share link's download, streamed through the server (issue 14, item 11). What the best hosted
// products do for links they count or protect (Dropbox, Google Drive, WeTransfer serve the bytes
// from their own front end): the visitor never gets a URL of the store, so a download limit counts
// every download and a revocation or a trashed file takes effect on the next request. Every link
// goes this way — one path, and revocation is immediate for unlimited links too.
export async function sharedFileResponse(
  file: SharedFile,
  signal?: AbortSignal,
): Promise<Response> {
  const object = await getObjectStream(file.storageKey, { signal });
  if (!object) return jsonError(410, "This file is no longer available.");
  const headers = new Headers({
    "content-type": file.contentType || "application/octet-stream",
    "content-disposition": contentDisposition(file.name, "attachment"),
    "cache-control": NO_STORE,
    "x-content-type-options": "nosniff",
    // Whatever the file is, it never runs as a page of this origin.
    "content-security-policy": "sandbox; default-src 'none'",
    "referrer-policy": "no-referrer",
  });
  if (object.contentLength !== undefined)
    headers.set("content-length", String(object.contentLength));
  return new Response(object.body, { status: 200, headers });
}
