import "server-only";
import { gzipSync } from "node:zlib";
import { db } from "@/lib/db/client";
import { storeServerFile } from "@/lib/drive/server-files";
import { ensurePath } from "@/lib/drive/tree";
import { formatBytes } from "@/lib/format/numbers";
import { putObject } from "@/lib/storage/objects";

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
// either both (the hour is skipped next time) or neither (it is cut again).

export const ARCHIVE_FOLDER = "Pulse archive";
export const ARCHIVE_GRACE_MS = 5 * 60_000;
const HOUR = 3_600_000;
const PAGE = 5_000;

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

async function hourLines(trackerId: string, hour: number): Promise<string[]> {
  const lines: string[] = [];
  let after: bigint | undefined;
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
      lines.push(JSON.stringify(post));
    }
    if (rows.length < PAGE) return lines;
    after = rows.at(-1)!.id;
  }
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
    const lines = await hourLines(trackerId, hour);
    const body = gzipSync(`${lines.join("\n")}\n`);
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
        size: body.byteLength,
        contentType: "application/gzip",
        put: (key) => putObject(key, body, "application/gzip"),
      },
      quotaError,
      async (tx, file) => {
        await tx.pulseArchive.create({
          data: {
            trackerId,
            hour: new Date(hour),
            fileId: file.id,
            posts: lines.length,
            bytes: body.byteLength,
          },
        });
      },
    );
    hours += 1;
    posts += lines.length;
    from = hour + HOUR;
  }
}

/** Every tracker's closed hours; one tracker's failure (a full Drive) does not stop the rest. */
export async function archiveAll(now = Date.now()) {
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
