import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { makeFile, makeUser, removeUsers, seedFileRow } from "@/lib/drive/test-helpers";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { databaseUrl, resetExecutorTables, testKeys } from "@/lib/executor/testing/harness";
import { newObjectKey } from "@/lib/storage/keys";
import { putDirect } from "@/lib/storage/test-helpers";
import { encryptSecret } from "../secrets";
import { replayProgress } from "../trackers";
import {
  startJetstreamStandIn,
  type JetstreamStandIn,
} from "../sources/testing/jetstream-stand-in";
import { startMastodonStandIn } from "../sources/testing/mastodon-stand-in";
import { until } from "../sources/testing/wait";

// The real listener process (scripts/listener.ts) against the Jetstream stand-in, sending to the
// real executor, which runs the real consumer against the test database. A SIGKILL at any moment
// loses nothing and stores nothing twice; SIGTERM sends what is pending and stores the cursor.

const keys = testKeys();
await stubAppClientEnv(keys);
vi.stubEnv("PULSE_SECRET_KEY", randomBytes(32).toString("base64"));
// The Mastodon stand-in listens on loopback (lib/net refuses it otherwise).
vi.stubEnv("PULSE_ALLOW_LOOPBACK_HOSTS", "1");
const { inngest } = await import("@/lib/events/client");
const { pulseConsume } = await import("@/inngest/functions/pulse-consume");

const users: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];
beforeEach(async () => {
  await resetExecutorTables();
  await db.pulseCursor.deleteMany({ where: { key: "jetstream" } });
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await removeUsers(...users);
  await db.pulseCursor.deleteMany({ where: { key: "jetstream" } });
  vi.unstubAllEnvs();
});

async function newTracker(data: { keywords: string[]; languages?: string[] }) {
  const ownerId = await makeUser();
  users.push(ownerId);
  return db.pulseTracker.create({
    data: {
      ownerId,
      name: "Listener test",
      keywords: data.keywords,
      hashtags: [],
      languages: data.languages ?? [],
      sources: ["jetstream"],
      scorer: "wink",
      status: "active",
    },
  });
}

// Caps on waits for states, not expectations: at load 60-70 a listener child took over 30 s to
// say "listening" and a pause over 15 s to close its connection.
const WAIT_MS = 120_000;
const TEST_MS = 600_000;

async function setUp() {
  // The listener serves every active tracker in the database: one left active by an interrupted
  // run (a killed test, a bench on the same database) would hold the shared connection open.
  await db.pulseTracker.updateMany({ where: { status: "active" }, data: { status: "paused" } });
  const rig = await startAppExecutor(inngest, [pulseConsume], keys);
  cleanups.push(rig.stop);
  const jet: JetstreamStandIn = await startJetstreamStandIn();
  cleanups.push(jet.close);
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl(),
    INNGEST_SIGNING_KEY: keys.signingKey,
    INNGEST_EVENT_KEY: keys.eventKey,
    INNGEST_BASE_URL: `http://127.0.0.1:${rig.eventPort}`,
    PULSE_JETSTREAM_URL: jet.url,
    PULSE_POLL_MS: "200",
    PULSE_BATCH_MS: "200",
    PULSE_SECRET_KEY: process.env.PULSE_SECRET_KEY,
  };
  return { rig, jet, env };
}

async function startListener(env: NodeJS.ProcessEnv) {
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/listener.ts"],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  const out = { text: "" };
  child.stdout?.on("data", (d: Buffer) => (out.text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out.text += d.toString()));
  await until(
    "the listener to start",
    () => {
      if (child.exitCode !== null) throw new Error(`the listener exited:\n${out.text}`);
      return out.text.includes("listening");
    },
    WAIT_MS,
  );
  return { child, out };
}

const stored = (trackerId: string) =>
  db.pulsePost.findMany({ where: { trackerId }, select: { sourcePostId: true, label: true } });

async function counted(trackerId: string): Promise<number> {
  const rows = await db.pulseAggregate.findMany({ where: { trackerId }, select: { count: true } });
  return rows.reduce((n, r) => n + r.count, 0);
}

describe("the listener process", () => {
  it(
    "stores matching posts per tracker from one shared connection, and follows pause/resume",
    async () => {
      const { jet, env } = await setUp();
      const rust = await newTracker({ keywords: ["rust"], languages: ["en"] });
      const go = await newTracker({ keywords: ["golang"] });
      const { out } = await startListener(env);
      await until("the Jetstream connection", () => jet.clients() === 1, WAIT_MS);

      const a = jet.post({ text: "Rust is wonderful", langs: ["en"] });
      jet.post({ text: "Rust ist wunderbar", langs: ["de"] });
      jet.post({ text: "nothing to see" });
      const b = jet.post({ text: "golang and rust, both terrible today", langs: ["en"] });
      jet.like();
      await until(
        "the posts",
        async () => (await stored(rust.id)).length === 2 && (await stored(go.id)).length === 1,
      );
      expect((await stored(rust.id)).map((p) => p.sourcePostId).sort()).toEqual(
        [a.uri, b.uri].sort(),
      );
      expect(await stored(go.id)).toEqual([{ sourcePostId: b.uri, label: "negative" }]);
      expect(jet.clients()).toBe(1);

      await db.pulseTracker.update({ where: { id: go.id }, data: { status: "paused" } });
      await new Promise((r) => setTimeout(r, 800)); // a few polls
      jet.post({ text: "golang while paused" });
      const c = jet.post({ text: "rust still on", langs: ["en"] });
      await until("the third rust post", async () => (await stored(rust.id)).length === 3);
      await new Promise((r) => setTimeout(r, 500));
      expect((await stored(go.id)).length).toBe(1);
      expect((await stored(rust.id)).map((p) => p.sourcePostId)).toContain(c.uri);

      // Nobody uses Jetstream any more: the connection closes and the cursor goes.
      await db.pulseTracker.updateMany({
        where: { id: { in: [rust.id, go.id] } },
        data: { status: "paused" },
      });
      await until("the disconnect", () => jet.clients() === 0);
      await until(
        "the cursor removal",
        async () => !(await db.pulseCursor.findUnique({ where: { key: "jetstream" } })),
      );
      await until("the log line", () => out.text.includes("no tracker uses it"));
    },
    TEST_MS,
  );

  it(
    "loses nothing and stores nothing twice across a SIGKILL, and resumes from its cursor",
    async () => {
      const { jet, env } = await setUp();
      const tracker = await newTracker({ keywords: ["pulse"] });
      const first = await startListener(env);
      await until("the Jetstream connection", () => jet.clients() === 1, WAIT_MS);
      const expected = new Set<string>();
      let stop = false;
      let i = 0;
      // From the first connection on, a steady stream: every third post matches; everything else only moves the cursor.
      const producer = (async () => {
        while (!stop) {
          const p = jet.post({ text: i % 3 === 0 ? `pulse number ${i} is great` : `other ${i}` });
          if (i % 3 === 0) expected.add(p.uri);
          if (i % 5 === 0) jet.identity();
          i++;
          await new Promise((r) => setTimeout(r, 5));
        }
      })();

      await until(
        "some stored posts",
        async () => (await stored(tracker.id)).length >= 30,
        WAIT_MS,
      );
      await until("a stored cursor", () =>
        db.pulseCursor.findUnique({ where: { key: "jetstream" } }),
      );
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      const atKill = (await stored(tracker.id)).length;
      await new Promise((r) => setTimeout(r, 500)); // posts keep coming while nobody listens

      const second = await startListener(env);
      await until("the second connection", () => jet.connections.length === 2, WAIT_MS);
      // It resumed from a stored time_us, not live.
      expect(jet.connections[1]).toEqual(expect.any(Number));
      await new Promise((r) => setTimeout(r, 500));
      stop = true;
      await producer;

      await until(
        "every matching post",
        async () => (await stored(tracker.id)).length >= expected.size,
        WAIT_MS,
      );
      await new Promise((r) => setTimeout(r, 1_000)); // anything extra would arrive now
      const ids = (await stored(tracker.id)).map((p) => p.sourcePostId);
      expect(atKill).toBeLessThan(expected.size);
      expect(new Set(ids)).toEqual(expected);
      expect(ids.length).toBe(expected.size);
      // The consumer counted each post once, whatever the listener sent twice.
      expect(await counted(tracker.id)).toBe(expected.size);

      // SIGTERM: pending posts are sent and the cursor is the last event seen.
      const last = jet.post({ text: "pulse: the very last one" });
      await until(
        "the last post",
        async () => (await stored(tracker.id)).length === expected.size + 1,
      );
      second.child.kill("SIGTERM");
      const code = await new Promise((r) => second.child.once("exit", r));
      expect(code).toBe(0);
      expect(second.out.text).toContain("stopped");
      const cursor = await db.pulseCursor.findUnique({ where: { key: "jetstream" } });
      expect(cursor?.cursor).toBe(String(last.timeUs));
    },
    TEST_MS,
  );
});

describe("two listener processes against one database", () => {
  it(
    "lets one listen while the other stands by, and hands over when the first dies",
    async () => {
      const { jet, env } = await setUp();
      const tracker = await newTracker({ keywords: ["handover"] });
      const first = await startListener(env);
      await until("the first connection", () => jet.clients() === 1, WAIT_MS);
      const second = spawn(
        process.execPath,
        ["--conditions=react-server", "--import", "tsx", "scripts/listener.ts"],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(second);
      let out = "";
      second.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      await until("the standby", () => out.includes("standing by"), WAIT_MS);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(jet.clients()).toBe(1);
      expect(jet.connections).toHaveLength(1);

      first.child.kill("SIGKILL");
      await until("the takeover", () => out.includes("listening"), WAIT_MS);
      await until("the second connection", () => jet.clients() === 1, WAIT_MS);
      const p = jet.post({ text: "handover complete" });
      await until("the post", async () => (await stored(tracker.id)).length === 1, WAIT_MS);
      expect((await stored(tracker.id))[0]?.sourcePostId).toBe(p.uri);
    },
    TEST_MS,
  );
});

describe("the listener process with per-tracker sources", () => {
  it(
    "plays a Drive file to the end, stores every row once, and marks the replay done",
    async () => {
      const { env } = await setUp();
      const ownerId = await makeUser();
      users.push(ownerId);
      const rows = Array.from({ length: 450 }, (_, i) =>
        JSON.stringify({
          id: `row-${i}`,
          text: i % 2 ? `replayed #demo post ${i} is great` : `replayed post ${i} is awful`,
          time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
          lang: "en",
        }),
      );
      const storageKey = newObjectKey(ownerId);
      await putDirect(storageKey, rows.join("\n"), "application/x-ndjson");
      const file = await seedFileRow(ownerId, {
        name: "posts.ndjson",
        size: rows.join("\n").length,
        contentType: "application/x-ndjson",
        storageKey,
      });
      const tracker = await db.pulseTracker.create({
        data: {
          ownerId,
          name: "Replay",
          keywords: ["replayed"],
          hashtags: [],
          languages: [],
          sources: ["replay"],
          scorer: "wink",
          status: "active",
          replayFileId: file.id,
          replaySpeed: "max",
        },
      });
      await startListener(env);
      await until(
        "the end of the file",
        async () =>
          (await db.pulseCursor.findUnique({ where: { key: `replay:${tracker.id}` } }))?.cursor ===
          "done",
        WAIT_MS,
      );
      await until("every row", async () => (await counted(tracker.id)) === 450, WAIT_MS);
      const posts = await stored(tracker.id);
      expect(new Set(posts.map((p) => p.sourcePostId)).size).toBe(450);
      // The dashboard says what the file held once the replay has ended.
      await until(
        "the end on the dashboard",
        async () => (await replayProgress(ownerId, tracker.id))?.state === "done",
      );
      expect((await replayProgress(ownerId, tracker.id))?.message).toBe("450 posts from 450 rows.");
      expect(posts.filter((p) => p.label === "negative")).toHaveLength(225);
    },
    TEST_MS,
  );

  it(
    "refuses another user's file, and streams Mastodon with the tracker's decrypted token",
    async () => {
      const { env } = await setUp();
      const mastodon = await startMastodonStandIn("s3cret-token");
      cleanups.push(mastodon.close);
      const ownerId = await makeUser();
      const stranger = await makeUser();
      users.push(ownerId, stranger);
      const theirs = await makeFile(stranger, "theirs.ndjson");
      const base = {
        ownerId,
        keywords: [],
        hashtags: ["rust"],
        languages: [],
        scorer: "wink",
        status: "active",
      };
      const replay = await db.pulseTracker.create({
        data: { ...base, name: "Not mine", sources: ["replay"], replayFileId: theirs.id },
      });
      const social = await db.pulseTracker.create({
        data: {
          ...base,
          name: "Mastodon",
          sources: ["mastodon"],
          mastodonInstance: mastodon.url,
          mastodonTokenEnc: encryptSecret("s3cret-token"),
        },
      });
      const { out } = await startListener(env);
      await until("the Mastodon stream", () => mastodon.clients() === 1, WAIT_MS);
      await until("the subscription", () => mastodon.subscriptions[0]?.length === 1);
      const status = mastodon.publish({ html: "<p>I love <a>#rust</a></p>", tags: ["rust"] });
      mastodon.publish({ html: "<p>#rust but boosted</p>", tags: ["rust"], reblog: true });
      await until("the status", async () => (await stored(social.id)).length === 1, WAIT_MS);
      expect(await stored(social.id)).toEqual([{ sourcePostId: status.uri, label: "positive" }]);
      expect(out.text).toContain(`the replay file ${theirs.id} is gone`);
      expect(await stored(replay.id)).toEqual([]);
      // …and says so on the owner's dashboard instead of "replaying" for ever.
      await until(
        "the replay error on the dashboard",
        async () => (await replayProgress(ownerId, replay.id))?.state === "error",
      );
      expect((await replayProgress(ownerId, replay.id))?.message).toMatch(
        /^The file is no longer in your Drive .* Stratus keeps trying, up to once a minute\.$/,
      );
    },
    TEST_MS,
  );
});
