import "server-only";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { db } from "@/lib/db/client";
import { storeServerFile } from "@/lib/drive/server-files";
import { ensurePath } from "@/lib/drive/tree";
import { formatBytes } from "@/lib/format/numbers";
import { putObjectFile } from "@/lib/storage/objects";

// The raw-post archive: every tracker's posts, as received with their source metadata, go to the
// owner's Drive as one gzipped NDJSON file per hour of arrival, in "Pulse archive/<tracker>",
// counted against the quota. They outlive MySQL's retention (prune.ts) and replay into a new
// tracker with the replay source (it reads .ndjson.gz).
//
// Exactly once, whatever crashes: the archive is cut from the stored posts, which the consumer
// stores once per (tracker, source, post id) however often the listener resends or the consumer
// is retried; an hour is cut only when it is closed (ARCHIVE_GRACE_MS after its end, well past
// the consumer's 30 s transaction limit, so no batch of it can still commit); and the hour's
// PulseArchive row commits in the same transaction as its Drive file, so a killed archiver leaves
// either both (the hour is skipped next time) or neither (it is cut again). archive.test.ts
// SIGKILLs a real archiving process mid-hour and after an upload, then checks every post is in
// the archive exactly once.
//
// Bounded memory: an hour is read PAGE rows at a time and each page goes through gzip into a
// temporary file, which is then streamed to the store; at most one page of rows (PAGE × at most
// ~53 kB: 10,000 characters of text, which the event schema caps, plus author and URL — ~26 MB
// in the worst case, ~150 kB for typical posts) and zlib's buffers are in memory, however big the
// hour. (A SIGKILLed archiver can leave its temporary file, which the next archiveAll removes
// once it is an hour old, and an uploaded object no Drive file points to, which does not count
// against the quota.)

export const ARCHIVE_FOLDER = "Pulse archive";
export const ARCHIVE_GRACE_MS = 5 * 60_000;
const HOUR = 3_600_000;
const PAGE = 500;

export class ArchiveError extends Error {
  override name = "ArchiveError";
}

/** The NDJSON line of one stored post: the fields a source delivered, plus when it arrived. */
type ArchivedPost = {
  source: string;
  id: string;
  text: string;
  createdAt: string;
  author: string | null;
  lang: string | null;
  url: string | null;
  receivedAt: string;
};

const folderName = (name: string, id: string) =>
  `${name.replace(/[/\\]/g, "-").replace(/\s+/g, " ").trim().slice(0, 200)} (${id.slice(-6)})`;

export const archiveFileName = (hour: number) =>
  `${new Date(hour).toISOString().slice(0, 13).replace("T", " ")}h UTC.ndjson.gz`;

/** Progress of archiveTracker, for tests that stop the process at a given point. */
export type ArchiveProgress =
  | { step: "page"; hour: number; posts: number } // a page of the hour written to the gzip file
  | { step: "uploaded"; hour: number; posts: number }; // the object stored, not yet recorded

type Hooks = { onProgress?: (p: ArchiveProgress) => void | Promise<void> };

/** Writes the hour's posts as gzipped NDJSON to `file`, a page at a time; returns the count. */
async function writeHour(trackerId: string, hour: number, file: string, hooks: Hooks) {
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(file));
  let posts = 0;
  let after: bigint | undefined;
  try {
    for (;;) {
      const rows = await db.pulsePost.findMany({
        where: {
          trackerId,
          receivedAt: { gte: new Date(hour), lt: new Date(hour + HOUR) },
          ...(after !== undefined ? { id: { gt: after } } : {}),
        },
        orderBy: { id: "asc" },
        take: PAGE,
        select: {
          id: true,
          source: true,
          sourcePostId: true,
          text: true,
          postedAt: true,
          author: true,
          lang: true,
          url: true,
          receivedAt: true,
        },
      });
      let chunk = "";
      for (const r of rows) {
        const post: ArchivedPost = {
          source: r.source,
          id: r.sourcePostId,
          text: r.text,
          createdAt: r.postedAt.toISOString(),
          author: r.author,
          lang: r.lang,
          url: r.url,
          receivedAt: r.receivedAt.toISOString(),
        };
        chunk += `${JSON.stringify(post)}\n`;
      }
      if (chunk && !gzip.write(chunk)) await once(gzip, "drain");
      posts += rows.length;
      await hooks.onProgress?.({ step: "page", hour, posts });
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.id;
    }
  } finally {
    gzip.end();
    await written;
  }
  return posts;
}

function quotaError(name: string, size: number, left: number) {
  return new ArchiveError(
    `Not enough space in your Drive to archive “${name}” (${formatBytes(size)}; ${formatBytes(left)} left).`,
  );
}

/** Archives the tracker's closed hours not archived yet; returns how many hours and posts. */
export async function archiveTracker(
  trackerId: string,
  now = Date.now(),
  hooks: Hooks = {},
): Promise<{ hours: number; posts: number }> {
  const tracker = await db.pulseTracker.findUnique({
    where: { id: trackerId },
    select: { ownerId: true, name: true },
  });
  if (!tracker) return { hours: 0, posts: 0 };
  const closedBefore = Math.floor((now - ARCHIVE_GRACE_MS) / HOUR) * HOUR;
  const last = await db.pulseArchive.findFirst({
    where: { trackerId },
    orderBy: { hour: "desc" },
    select: { hour: true },
  });
  let from = last ? last.hour.getTime() + HOUR : 0;
  let folderId: string | null = null;
  let hours = 0;
  let posts = 0;
  for (;;) {
    // The next hour that has posts (the (trackerId, receivedAt) index makes this cheap).
    const next = await db.pulsePost.findFirst({
      where: { trackerId, receivedAt: { gte: new Date(from), lt: new Date(closedBefore) } },
      orderBy: { receivedAt: "asc" },
      select: { receivedAt: true },
    });
    if (!next) return { hours, posts };
    const hour = Math.floor(next.receivedAt.getTime() / HOUR) * HOUR;
    const dir = await mkdtemp(path.join(os.tmpdir(), TEMP_PREFIX));
    try {
      const file = path.join(dir, "hour.ndjson.gz");
      const count = await writeHour(trackerId, hour, file, hooks);
      const { size } = await stat(file);
      folderId ??= await ensurePath(
        tracker.ownerId,
        `/${ARCHIVE_FOLDER}/${folderName(tracker.name, trackerId)}`,
      );
      if (!folderId) throw new ArchiveError("could not create the archive folder");
      await storeServerFile(
        tracker.ownerId,
        folderId,
        {
          desiredName: archiveFileName(hour),
          size,
          contentType: "application/gzip",
          put: async (key) => {
            await putObjectFile(key, file, size, "application/gzip");
            await hooks.onProgress?.({ step: "uploaded", hour, posts: count });
          },
        },
        quotaError,
        async (tx, created) => {
          await tx.pulseArchive.create({
            data: {
              trackerId,
              hour: new Date(hour),
              fileId: created.id,
              posts: count,
              bytes: size,
            },
          });
        },
      );
      posts += count;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    hours += 1;
    from = hour + HOUR;
  }
}

const TEMP_PREFIX = "stratus-pulse-archive-";

/** Removes temporary hour files a killed archiver left, once they are `olderThanMs` old. */
export async function removeStaleTempFiles(olderThanMs = HOUR, dir = os.tmpdir()) {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const full = path.join(dir, name);
    const info = await stat(full).catch(() => null);
    if (info && Date.now() - info.mtimeMs > olderThanMs) {
      await rm(full, { recursive: true, force: true });
      removed += 1;
    }
  }
  return removed;
}

/** Every tracker's closed hours; one tracker's failure (a full Drive) does not stop the rest. */
export async function archiveAll(now = Date.now()) {
  await removeStaleTempFiles();
  const trackers = await db.pulseTracker.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  let hours = 0;
  let posts = 0;
  const failed: { trackerId: string; message: string }[] = [];
  for (const t of trackers) {
    try {
      const r = await archiveTracker(t.id, now);
      hours += r.hours;
      posts += r.posts;
    } catch (error) {
      failed.push({ trackerId: t.id, message: (error as Error).message });
    }
  }
  return { trackers: trackers.length, hours, posts, failed };
}
