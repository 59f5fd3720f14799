import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { getObjectStream } from "@/lib/storage/objects";
import { ARCHIVE_FOLDER, archiveFileName, archiveTracker } from "./archive";
import { storeBatch } from "./consume";
import { openReplayFile } from "./listener/replay-file";
import { readReplayRows } from "./sources/replay-format";
import type { IncomingPost } from "./types";

// The archive against the real database and S3 store: posts stored by the consumer (including a
// batch the listener resent after being killed, and a retried consumer run) come out once each,
// hour by hour, in the owner's Drive; reruns and a concurrent archiver add nothing; the files
// outlive the posts and replay.

const users: string[] = [];
afterAll(() => removeUsers(...users));

const HOUR = 3_600_000;
const H0 = Date.UTC(2026, 10, 30, 10, 0, 0);

const post = (id: string, text: string, lang?: string): IncomingPost => ({
  source: "jetstream",
  id: `at://did:plc:a/app.bsky.feed.post/${id}`,
  text,
  createdAt: new Date(H0 - 60_000).toISOString(),
  author: "did:plc:a",
  ...(lang ? { lang } : {}),
  url: `https://bsky.app/profile/did:plc:a/post/${id}`,
});

async function newTracker(name = "Climate / news") {
  const ownerId = await makeUser();
  users.push(ownerId);
  const tracker = await db.pulseTracker.create({
    data: {
      ownerId,
      name,
      keywords: ["climate"],
      hashtags: [],
      languages: [],
      sources: ["jetstream"],
      scorer: "model",
      status: "active",
    },
  });
  return { ownerId, trackerId: tracker.id };
}

async function readArchive(fileId: string): Promise<Record<string, unknown>[]> {
  const file = await db.file.findUniqueOrThrow({ where: { id: fileId } });
  const object = await getObjectStream(file.storageKey);
  const bytes = Buffer.from(await new Response(object!.body as ReadableStream).arrayBuffer());
  expect(bytes.byteLength).toBe(Number(file.size));
  return gunzipSync(bytes)
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("archiveTracker", () => {
  it("writes each closed hour once to the owner's Drive, surviving resends, retries and reruns", async () => {
    const { ownerId, trackerId } = await newTracker();
    const first = [post("a", "climate is great", "en"), post("b", "o clima está péssimo")];
    const second = [post("c", "気候の話", "ja"), post("d", "climate news today")];
    await storeBatch(trackerId, first, H0 + 10 * 60_000);
    // The listener was killed before saving its cursor and sends the batch again; the consumer is
    // retried on the same event: neither stores anything twice.
    await storeBatch(trackerId, first, H0 + 12 * 60_000);
    await storeBatch(trackerId, [...first, ...second], H0 + HOUR + 5 * 60_000);
    // The current hour is still open: not archived yet.
    await storeBatch(trackerId, [post("e", "climate later")], H0 + 2 * HOUR + 1_000);

    const now = H0 + 2 * HOUR + 6 * 60_000;
    expect(await archiveTracker(trackerId, now)).toEqual({ hours: 2, posts: 4 });
    expect(await archiveTracker(trackerId, now)).toEqual({ hours: 0, posts: 0 });

    const archives = await db.pulseArchive.findMany({
      where: { trackerId },
      orderBy: { hour: "asc" },
    });
    expect(archives.map((a) => [a.hour.getTime(), a.posts])).toEqual([
      [H0, 2],
      [H0 + HOUR, 2],
    ]);
    const files = await db.file.findMany({
      where: { id: { in: archives.map((a) => a.fileId) } },
      include: { folder: { include: { parent: true } } },
      orderBy: { name: "asc" },
    });
    expect(files.map((f) => f.name)).toEqual([archiveFileName(H0), archiveFileName(H0 + HOUR)]);
    expect(files[0]!.name).toBe("2026-11-30 10h UTC.ndjson.gz");
    expect(files[0]!.ownerId).toBe(ownerId);
    expect(files[0]!.folder?.name).toBe(`Climate - news (${trackerId.slice(-6)})`);
    expect(files[0]!.folder?.parent?.name).toBe(ARCHIVE_FOLDER);

    const rows = [...(await readArchive(files[0]!.id)), ...(await readArchive(files[1]!.id))];
    expect(rows.map((r) => r.id)).toEqual(
      ["a", "b", "c", "d"].map((id) => `at://did:plc:a/app.bsky.feed.post/${id}`),
    );
    expect(rows[0]).toMatchObject({
      source: "jetstream",
      text: "climate is great",
      author: "did:plc:a",
      lang: "en",
      url: "https://bsky.app/profile/did:plc:a/post/a",
      createdAt: new Date(H0 - 60_000).toISOString(),
      receivedAt: new Date(H0 + 10 * 60_000).toISOString(),
    });

    // Retention removes the posts; the archive stays and replays (it reads .ndjson.gz).
    await db.pulsePost.deleteMany({ where: { trackerId } });
    const chunks = await openReplayFile(ownerId, files[1]!.id, new AbortController().signal);
    const replayed: string[] = [];
    for await (const r of readReplayRows(chunks!)) if (r.row) replayed.push(r.row.text);
    expect(replayed).toEqual(["気候の話", "climate news today"]);
  });

  it("archives an hour once when two archivers race (a retried run beside a slow one)", async () => {
    const { trackerId } = await newTracker("Race");
    await storeBatch(
      trackerId,
      [post("r1", "climate one"), post("r2", "climate two")],
      H0 + 60_000,
    );
    const now = H0 + HOUR + 6 * 60_000;
    const results = await Promise.allSettled([
      archiveTracker(trackerId, now),
      archiveTracker(trackerId, now),
    ]);
    const archived = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.posts] : []));
    expect(archived.reduce((a, b) => a + b, 0)).toBe(2);
    const rows = await db.pulseArchive.findMany({ where: { trackerId } });
    expect(rows).toHaveLength(1);
    // The loser's Drive file was never created (its bookkeeping failed in the same transaction).
    const owner = (await db.pulseTracker.findUniqueOrThrow({ where: { id: trackerId } })).ownerId;
    expect(await db.file.count({ where: { ownerId: owner } })).toBe(1);
  });
});
