import type { StartUploadResponse, UploadStatus } from "@/lib/drive/upload-schemas";
import { partLength, type PartState, type Session } from "./types";

// The server's answers, as the session the manager sends bytes into.

/** A new upload: nothing sent yet. */
export function startedSession(started: StartUploadResponse): Session {
  if (started.mode === "single") {
    return {
      mode: "single",
      uploadId: started.uploadId,
      url: started.url,
      headers: started.headers,
      urlExpiresAt: Date.parse(started.expiresAt),
    };
  }
  return {
    mode: "multipart",
    uploadId: started.uploadId,
    partSize: started.partSize,
    partCount: started.partCount,
    done: new Map(),
  };
}

/**
 * An upload to resume: the parts the store already holds in full count as sent (a short one, cut
 * off mid-way, is sent again).
 */
export function resumedSession(uploadId: string, status: UploadStatus): Session {
  if (status.mode === "single") {
    return {
      mode: "single",
      uploadId,
      url: status.url,
      headers: status.headers,
      urlExpiresAt: Date.parse(status.urlExpiresAt),
    };
  }
  const done = new Map<number, PartState>();
  for (const p of status.uploadedParts) {
    if (p.size === partLength(status.size, status.partSize, p.partNumber)) {
      done.set(p.partNumber, { etag: p.etag, size: p.size });
    }
  }
  return {
    mode: "multipart",
    uploadId,
    partSize: status.partSize,
    partCount: status.partCount,
    done,
  };
}

/** Bytes already sent of a session. */
export function sentBytes(session: Session): number {
  if (session.mode === "single") return 0;
  return [...session.done.values()].reduce((sum, p) => sum + p.size, 0);
}
