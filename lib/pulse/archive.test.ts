import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { readdir, utimes } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { getBreadcrumbs } from "@/lib/drive/folders";
import { countFileRows, fileRow, fileRows, makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { getObjectStream } from "@/lib/storage/objects";
import { ARCHIVE_FOLDER, archiveFileName, archiveTracker, removeStaleTempFiles } from "./archive";
import { storeBatch } from "./consume";
import { openReplayFile } from "./listener/replay-file";
import { readReplayRows } from "./sources/replay-format";
import { until } from "./sources/testing/wait";
import type { IncomingPost } from "./types";
import { testPostRow } from "@/lib/pulse/testing/post-row";

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
  const file = await fileRow(fileId);
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
    const files = await fileRows({ ids: archives.map((a) => a.fileId) });
    expect(files.map((f) => f.name)).toEqual([archiveFileName(H0), archiveFileName(H0 + HOUR)]);
    expect(files[0]!.name).toBe("2026-11-30 10h UTC.ndjson.gz");
    expect(files[0]!.ownerId).toBe(ownerId);
    const crumbs = await getBreadcrumbs(ownerId, files[0]!.folderId);
    expect(crumbs?.map((c) => c.name)).toEqual([
      ARCHIVE_FOLDER,
      `Climate - news (${trackerId.slice(-6)})`,
    ]);

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
    expect(await countFileRows({ ownerId: owner })).toBe(1);
  });
});

describe("archiving process killed", () => {
  const children: ChildProcess[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), "pulse-archive-test-"));
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(tmp, { recursive: true, force: true });
  });

  // Runs lib/pulse/testing/archive-process.ts; with a stop point, SIGKILLs it there.
  async function run(trackerId: string, now: number, stopAt?: string) {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "lib/pulse/testing/archive-process.ts",
        trackerId,
        String(now),
        ...(stopAt ? [stopAt] : []),
      ],
      // Its own temporary directory, so the test sees only this archiver's files.
      { env: { ...process.env, TMPDIR: tmp }, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await until(
      stopAt ? `the archiver to reach ${stopAt}` : "the archiver to finish",
      () => {
        if (child.exitCode !== null && !out.includes(stopAt ? "stopped" : "done"))
          throw new Error(`the archiver exited early:\n${out}`);
        return out.includes(stopAt ? "stopped" : "done");
      },
      90_000,
    );
    if (stopAt) child.kill("SIGKILL");
    const code = await exited;
    return { code, out };
  }

  it("leaves every post archived exactly once after SIGKILLs mid-hour and after an upload", async () => {
    const { ownerId, trackerId } = await newTracker("Killed");
    // Three hours: 1,200, 1,100 and 700 posts (pages of 500, so each hour takes several).
    const sizes = [1_200, 1_100, 700];
    const ids: string[] = [];
    for (const [h, size] of sizes.entries()) {
      const data = Array.from({ length: size }, (_, i) => {
        const id = `k${h}-${i}`;
        ids.push(id);
        const at = new Date(H0 + h * HOUR + Math.floor((i * (HOUR - 1)) / size));
        return testPostRow({
          trackerId,
          source: "jetstream",
          sourcePostId: id,
          text: `climate post ${id}`,
          at,
        });
      });
      await db.pulsePost.createMany({ data });
    }
    const now = H0 + 3 * HOUR + 6 * 60_000;
    const archived = async () =>
      (await db.pulseArchive.findMany({ where: { trackerId }, orderBy: { hour: "asc" } })).map(
        (a) => [a.hour.getTime(), a.posts],
      );

    // 1. Killed half way through the second hour's gzip file: the first hour is recorded, the
    //    second not at all.
    const first = await run(trackerId, now, `page:${H0 + HOUR}:500`);
    expect(first.code).toBeNull(); // killed by the signal
    expect(await archived()).toEqual([[H0, 1_200]]);
    // Its half-written temporary file is left; the next archiveAll removes it once an hour old.
    // (tsx keeps its cache there too.)
    const left = (await readdir(tmp)).filter((n) => n.startsWith("stratus-pulse-archive-"));
    expect(left).toHaveLength(1);
    const leftDir = path.join(tmp, left[0]!);
    await removeStaleTempFiles(3_600_000, tmp);
    expect(existsSync(leftDir)).toBe(true); // fresh: it could be a running archiver's
    await utimes(
      leftDir,
      new Date(Date.now() - 2 * 3_600_000),
      new Date(Date.now() - 2 * 3_600_000),
    );
    await removeStaleTempFiles(3_600_000, tmp);
    expect(existsSync(leftDir)).toBe(false);

    // 2. Killed after the third hour's object was stored, before its row committed: it is not
    //    an archived hour (no row, no Drive file), so the next run cuts it again.
    const second = await run(trackerId, now, `uploaded:${H0 + 2 * HOUR}`);
    expect(second.out).toContain(`"step":"page","hour":${H0 + HOUR},"posts":1100`);
    expect(await archived()).toEqual([
      [H0, 1_200],
      [H0 + HOUR, 1_100],
    ]);
    expect(await countFileRows({ ownerId })).toBe(2);

    // 3. A run to the end.
    const third = await run(trackerId, now);
    expect(third.code).toBe(0);
    expect(third.out).toContain('done {"hours":1,"posts":700}');
    expect(await archived()).toEqual([
      [H0, 1_200],
      [H0 + HOUR, 1_100],
      [H0 + 2 * HOUR, 700],
    ]);

    // Every post once, in the hour it arrived, in one Drive file per hour.
    const rows = await db.pulseArchive.findMany({ where: { trackerId }, orderBy: { hour: "asc" } });
    expect(await countFileRows({ ownerId })).toBe(3);
    const lines: Record<string, unknown>[] = [];
    for (const [h, a] of rows.entries()) {
      const hourLines = await readArchive(a.fileId);
      expect(hourLines).toHaveLength(sizes[h]!);
      for (const l of hourLines) {
        const at = new Date(l.receivedAt as string).getTime();
        expect(Math.floor(at / HOUR) * HOUR).toBe(H0 + h * HOUR);
      }
      lines.push(...hourLines);
    }
    const archivedIds = lines.map((l) => l.id as string);
    expect(archivedIds).toHaveLength(ids.length);
    expect(new Set(archivedIds).size).toBe(ids.length);
    expect([...archivedIds].sort()).toEqual([...ids].sort());
  }, 600_000); // a cap: three child processes SIGKILLed and rerun, at load 60+ over 120 s
});
