import { PartUrls } from "./part-urls";
import { AbortError, StoreError, type PutTransport } from "./transport";
import {
  partLength,
  type MultipartSession,
  type PartState,
  type SingleSession,
  type Task,
  type Tuning,
  type UploadItem,
} from "./types";
import type { CompletedPart, UploadApi } from "./upload-api";

// Sending a file's bytes to the store: one presigned PUT, or its parts several at a time, each
// retried (with a fresh URL when the store says it expired).

/** What sending needs of the manager: its server, its transport and its bookkeeping. */
export type SendContext = {
  api: UploadApi;
  transport: PutTransport;
  now: () => number;
  tuning: Pick<Tuning, "partConcurrency" | "urlBatchSize" | "urlMarginMs">;
  retry: (
    task: Task,
    signal: AbortSignal,
    what: string,
    attemptOnce: (attempt: number, lastError: unknown) => Promise<void>,
  ) => Promise<void>;
  progress: (task: Task, key: number, loaded: number) => void;
  refreshLoaded: (task: Task) => void;
  update: (task: Task, patch: Partial<UploadItem>) => void;
};

export async function sendSingle(
  ctx: SendContext,
  task: Task,
  session: SingleSession,
  signal: AbortSignal,
): Promise<void> {
  ctx.update(task, { phase: "uploading" });
  await ctx.retry(task, signal, "the file", async (attempt, lastError) => {
    const expired =
      lastError instanceof StoreError && lastError.status === 403
        ? true
        : session.urlExpiresAt - ctx.now() < ctx.tuning.urlMarginMs;
    if (attempt > 0 || expired) {
      const status = await ctx.api.status(session.uploadId);
      if (status.mode === "single") {
        session.url = status.url;
        session.headers = status.headers;
        session.urlExpiresAt = Date.parse(status.urlExpiresAt);
      }
    }
    task.inflight.set(1, 0);
    task.doneBytes = 0;
    try {
      await ctx.transport.put({
        url: session.url,
        body: task.source,
        headers: session.headers,
        signal,
        onProgress: (loaded) => ctx.progress(task, 1, loaded),
      });
      task.doneBytes = task.item.size;
    } finally {
      task.inflight.delete(1);
      ctx.refreshLoaded(task);
    }
  });
}

export async function sendParts(
  ctx: SendContext,
  task: Task,
  session: MultipartSession,
  parentSignal: AbortSignal,
): Promise<void> {
  ctx.update(task, { phase: "uploading" });
  const queue: number[] = [];
  for (let n = 1; n <= session.partCount; n++) if (!session.done.has(n)) queue.push(n);
  // One failed part stops its siblings: the file cannot complete without it.
  const controller = new AbortController();
  const stop = () => controller.abort();
  parentSignal.addEventListener("abort", stop, { once: true });
  const urls = new PartUrls(ctx.api, session.uploadId, ctx.now, ctx.tuning, () => queue);

  const sendPart = async (partNumber: number) => {
    const start = (partNumber - 1) * session.partSize;
    const size = partLength(task.item.size, session.partSize, partNumber);
    const body = task.source.slice(start, start + size);
    await ctx.retry(task, controller.signal, `part ${partNumber}`, async (_, lastError) => {
      const renew = lastError instanceof StoreError && lastError.status === 403;
      const url = await urls.get(partNumber, renew);
      task.inflight.set(partNumber, 0);
      try {
        const { etag } = await ctx.transport.put({
          url,
          body,
          headers: {},
          signal: controller.signal,
          onProgress: (loaded) => ctx.progress(task, partNumber, loaded),
        });
        session.done.set(partNumber, { etag, size });
        task.doneBytes += size;
      } finally {
        task.inflight.delete(partNumber);
        ctx.refreshLoaded(task);
      }
    });
  };

  const worker = async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) await sendPart(n);
  };
  try {
    const workers = Math.min(ctx.tuning.partConcurrency, queue.length);
    await Promise.all(
      Array.from({ length: workers }, () =>
        worker().catch((err: unknown) => {
          stop();
          throw err;
        }),
      ),
    );
  } finally {
    parentSignal.removeEventListener("abort", stop);
  }
  if (parentSignal.aborted) throw new AbortError();
}

/** The parts for CompleteMultipartUpload, or undefined to let the server list them itself. */
export function completedParts(done: Map<number, PartState>): CompletedPart[] | undefined {
  const parts: CompletedPart[] = [];
  for (const [partNumber, p] of done) {
    // Without an exposed ETag (a CORS setting) the server's own list of parts is used instead.
    if (p.etag === null) return undefined;
    parts.push({ partNumber, etag: p.etag });
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}
