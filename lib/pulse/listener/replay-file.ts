import "server-only";
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { liveFile } from "@/lib/drive/access";
import { getObjectStream } from "@/lib/storage/objects";

// A replay file's bytes, read from the Drive on the tracker owner's behalf: the file must be the
// owner's and not in the trash. Null when it is not (deleted, trashed, another user's).
// A ".gz" file (the Pulse archive's .ndjson.gz) is decompressed on the way.
export async function openReplayFile(
  ownerId: string,
  fileId: string,
  signal: AbortSignal,
): Promise<AsyncIterable<Uint8Array> | null> {
  const file = await liveFile(ownerId, fileId);
  if (!file) return null;
  const object = await getObjectStream(file.storageKey, { signal });
  if (!object) return null;
  const body = Readable.fromWeb(
    object.body as import("node:stream/web").ReadableStream<Uint8Array>,
  );
  if (!file.name.toLowerCase().endsWith(".gz")) return body;
  // pipeline: an error on either side (a corrupt file, an abort) ends the other.
  return pipeline(body, createGunzip(), () => undefined);
}
