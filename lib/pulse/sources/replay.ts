import { createHash } from "node:crypto";
import type { IncomingPost } from "../types";
import { backoffDelay, sleep } from "./backoff";
import { readReplayRows, type ReplayRow } from "./replay-format";
import type { Source, SourceOptions } from "./types";

// Replay: plays a user's NDJSON or CSV file of posts at 1×, 10× or as fast as possible — the
// offline demo path. Rows keep their own time as the post time (the consumer counts replayed posts
// in the minute they arrive). The cursor is the last row handed on; the end is "done".

export const REPLAY_DONE = "done";

export type ReplaySpeed = "1" | "10" | "max";

export type ReplayOptions = SourceOptions & {
  fileId: string;
  speed: ReplaySpeed;
  // The file's bytes, from the start; null when it no longer exists (deleted, trashed).
  open: (signal: AbortSignal) => Promise<AsyncIterable<Uint8Array | string> | null>;
  // A long silence in the file is cut to this at 1× (and a tenth of it at 10×).
  maxGapMs?: number;
};

// An error the tracker's owner can act on; anything else is reported as a read failure.
export class ReplayFileError extends Error {
  constructor(
    message: string,
    readonly userMessage: string,
  ) {
    super(message);
  }
}

export function replayPostId(fileId: string, n: number, raw: string): string {
  return createHash("sha256").update(`${fileId}\n${n}\n${raw}`).digest("hex").slice(0, 40);
}

export function replayPost(fileId: string, n: number, raw: string, row: ReplayRow): IncomingPost {
  return {
    source: "replay",
    id: row.id ?? replayPostId(fileId, n, raw),
    text: row.text,
    createdAt: row.time.toISOString(),
    ...(row.author ? { author: row.author } : {}),
    ...(row.lang ? { lang: row.lang } : {}),
  };
}

export function createReplaySource(options: ReplayOptions): Source {
  const stopper = new AbortController();
  const signal = stopper.signal;
  const speed = options.speed === "max" ? Infinity : Number(options.speed);
  const maxGapMs = (options.maxGapMs ?? 60_000) / (Number.isFinite(speed) ? speed : 1);
  const log = options.log ?? (() => {});
  let after = options.cursor && /^\d+$/.test(options.cursor) ? Number(options.cursor) : 0;
  let loop: Promise<void> | undefined;

  // One pass over the file from the top, skipping rows already handed on. Returns the rows and
  // usable rows (posts) of the whole file at the end, null when stopped.
  async function play(): Promise<{ rows: number; posts: number } | null> {
    const chunks = await options.open(signal);
    if (!chunks)
      throw new ReplayFileError(
        `the replay file ${options.fileId} is gone`,
        "The file is no longer in your Drive (deleted or in the trash). Pick another one in Edit.",
      );
    options.onStatus?.({ state: "open" });
    let rows = 0;
    let posts = 0;
    // Wall-clock anchor: row time t plays at anchorWall + (t - anchorTime) / speed.
    let anchorWall = 0;
    let anchorTime = 0;
    let sinceYield = 0;
    for await (const { n, row, raw } of readReplayRows(chunks)) {
      if (signal.aborted) return null;
      rows = n;
      if (row) posts++;
      if (n <= after) continue;
      if (row && Number.isFinite(speed)) {
        const t = row.time.getTime();
        if (!anchorWall) [anchorWall, anchorTime] = [Date.now(), t];
        let due = anchorWall + (t - anchorTime) / speed;
        const wait = due - Date.now();
        if (wait > maxGapMs) {
          anchorWall -= wait - maxGapMs; // move the clock on: the gap shrinks to maxGapMs
          due = anchorWall + (t - anchorTime) / speed;
        }
        if (due > Date.now()) await sleep(due - Date.now(), signal);
        if (signal.aborted) return null;
      }
      await options.ready?.();
      if (signal.aborted) return null;
      after = n;
      options.onEvent(
        row
          ? { post: replayPost(options.fileId, n, raw, row), cursor: String(n) }
          : { cursor: String(n) },
      );
      // As fast as possible still lets timers (batch flushes) and I/O run.
      if (++sinceYield >= 200) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    return { rows, posts };
  }

  async function run() {
    for (let attempt = 0; !signal.aborted; attempt++) {
      options.onStatus?.({ state: "connecting", attempt });
      try {
        const ended = await play();
        if (ended) {
          options.onEvent({ cursor: REPLAY_DONE });
          options.onStatus?.({ state: "done", ...ended });
          return;
        }
      } catch (error) {
        if (signal.aborted) break;
        const ms = backoffDelay(attempt, { baseMs: 1_000, maxMs: 60_000 });
        log(
          `replay ${options.fileId}: ${error instanceof Error ? error.message : error}; retrying in ${ms} ms`,
        );
        options.onStatus?.({
          state: "waiting",
          ms,
          reason: "error",
          error:
            error instanceof ReplayFileError
              ? error.userMessage
              : "The file could not be read to the end (is it NDJSON or CSV, and a real .gz when named so?).",
        });
        await sleep(ms, signal);
      }
    }
    options.onStatus?.({ state: "stopped" });
  }

  return {
    kind: "replay",
    start() {
      if (options.cursor === REPLAY_DONE) return options.onStatus?.({ state: "done" });
      loop ??= run();
    },
    async stop() {
      stopper.abort();
      await loop;
    },
  };
}
