import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { makeFile, makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { trackerFormObject, trackerFormSchema } from "./schemas";
import { decryptSecret } from "./secrets";
import { saveSourceState } from "./listener/source-state";
import {
  createTracker,
  deleteTracker,
  getTracker,
  listTrackers,
  replayProgress,
  setTrackerStatus,
  updateTracker,
} from "./trackers";

vi.stubEnv("PULSE_SECRET_KEY", randomBytes(32).toString("base64"));
const users: string[] = [];
afterAll(async () => {
  await removeUsers(...users);
  vi.unstubAllEnvs();
});

async function newUser() {
  const id = await makeUser();
  users.push(id);
  return id;
}

function form(fields: Record<string, string | string[]>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields))
    for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  return trackerFormSchema.parse(trackerFormObject(fd));
}

const base = { name: "Climate", keywords: "climate, global warming", scorer: "wink" };
const POSTS = '{"text":"climate news","time":"2026-11-26T10:00:00Z"}\n';

describe("tracker form", () => {
  it("refuses a Mastodon instance on a loopback, private, link-local or internal address", () => {
    for (const instance of [
      "https://127.0.0.1:8443",
      "https://127.1",
      "https://0x7f000001",
      "https://10.0.0.8",
      "https://169.254.169.254",
      "https://[::1]",
      "https://[fd00:ec2::254]",
      "https://localhost:3000",
      "https://metadata.google.internal",
      "https://intranet",
    ]) {
      const fd = new FormData();
      for (const [k, v] of Object.entries({ ...base, hashtags: "x", mastodonInstance: instance }))
        fd.append(k, v);
      fd.append("sources", "mastodon");
      const r = trackerFormSchema.safeParse(trackerFormObject(fd));
      expect(r.success, instance).toBe(false);
      expect(
        r.error?.issues.find((i) => i.path[0] === "mastodonInstance")?.message,
        instance,
      ).toMatch(/public address.*IP addresses, localhost and internal names are not allowed/);
    }
    expect(
      form({
        ...base,
        hashtags: "x",
        sources: ["mastodon"],
        mastodonInstance: "https://mastodon.social/",
      }).mastodonInstance,
    ).toBe("https://mastodon.social");
  });

  it("splits lists, normalises hashtags and languages, and insists on what sources need", () => {
    const v = form({
      ...base,
      hashtags: "#Climate\nsolar, #climate",
      languages: "EN, pt_BR",
      sources: ["jetstream"],
    });
    expect(v.keywords).toEqual(["climate", "global warming"]);
    expect(v.hashtags).toEqual(["climate", "solar"]);
    expect(v.languages).toEqual(["en", "pt-br"]);
    const bad = (fields: Record<string, string | string[]>) => {
      const fd = new FormData();
      for (const [k, val] of Object.entries(fields))
        for (const item of Array.isArray(val) ? val : [val]) fd.append(k, item);
      const r = trackerFormSchema.safeParse(trackerFormObject(fd));
      return r.success ? [] : r.error.issues.map((i) => i.path[0]);
    };
    expect(bad({ ...base, keywords: "", sources: ["jetstream"] })).toContain("keywords");
    expect(bad({ ...base })).toContain("sources");
    expect(bad({ ...base, sources: ["mastodon"], hashtags: "x" })).toContain("mastodonInstance");
    expect(
      bad({ ...base, sources: ["mastodon"], mastodonInstance: "http://m.test", hashtags: "x" }),
    ).toContain("mastodonInstance");
    expect(bad({ ...base, sources: ["replay"] })).toContain("replayFileId");
    expect(bad({ ...base, sources: ["jetstream"], hashtags: "no spaces allowed" })).toContain(
      "hashtags",
    );
  });
});

describe("trackers", () => {
  it("encrypts tokens, never returns them, and keeps them when the field is left blank", async () => {
    const owner = await newUser();
    const created = await createTracker(
      owner,
      form({
        ...base,
        hashtags: "climate",
        sources: ["mastodon", "x"],
        mastodonInstance: "https://mastodon.test/",
        mastodonToken: "masto-secret",
        xToken: "x-secret",
      }),
    );
    if (!created.ok) throw new Error(created.message);
    const row = await db.pulseTracker.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.mastodonTokenEnc).not.toContain("masto-secret");
    expect(decryptSecret(row.mastodonTokenEnc!)).toBe("masto-secret");
    expect(row.mastodonInstance).toBe("https://mastodon.test");
    const dto = await getTracker(owner, created.id);
    expect(JSON.stringify(dto)).not.toMatch(/secret|Enc/);
    expect(dto).toMatchObject({ hasMastodonToken: true, hasXToken: true, status: "active" });

    const kept = await updateTracker(
      owner,
      created.id,
      form({
        ...base,
        hashtags: "climate",
        sources: ["mastodon"],
        mastodonInstance: "https://mastodon.test",
      }),
    );
    expect(kept.ok).toBe(true);
    const after = await db.pulseTracker.findUniqueOrThrow({ where: { id: created.id } });
    expect(after.mastodonTokenEnc).toBe(row.mastodonTokenEnc);
    // X was switched off: its token is forgotten.
    expect(after.xTokenEnc).toBeNull();

    const missing = await createTracker(owner, form({ ...base, sources: ["x"] }));
    expect(missing).toMatchObject({ ok: false, errors: { xToken: [expect.any(String)] } });
  });

  it("scopes everything to the owner, including the replay file", async () => {
    const alice = await newUser();
    const bob = await newUser();
    const bobsFile = await makeFile(bob, "posts.ndjson", null, { object: false });
    const refused = await createTracker(
      alice,
      form({ ...base, sources: ["replay"], replayFileId: bobsFile.id }),
    );
    expect(refused).toMatchObject({ ok: false, errors: { replayFileId: [expect.any(String)] } });

    const alicesFile = await makeFile(alice, "posts.ndjson", null, { body: POSTS });
    const t = await createTracker(
      alice,
      form({ ...base, sources: ["replay"], replayFileId: alicesFile.id, replaySpeed: "max" }),
    );
    if (!t.ok) throw new Error(t.message);
    expect(await getTracker(alice, t.id)).toMatchObject({
      replayFileName: "posts.ndjson",
      replaySpeed: "max",
    });

    expect(await getTracker(bob, t.id)).toBeNull();
    expect(await listTrackers(bob)).toEqual([]);
    expect(await setTrackerStatus(bob, t.id, "paused")).toBe(false);
    expect((await updateTracker(bob, t.id, form({ ...base, sources: ["jetstream"] }))).ok).toBe(
      false,
    );
    expect(await deleteTracker(bob, t.id)).toBe(false);
    expect(await getTracker(alice, t.id)).toMatchObject({ status: "active", sources: ["replay"] });

    await db.pulseCursor.create({ data: { key: `replay:${t.id}`, cursor: "12" } });
    expect(await setTrackerStatus(alice, t.id, "paused")).toBe(true);
    expect(await deleteTracker(alice, t.id)).toBe(true);
    expect(await db.pulseCursor.count({ where: { key: `replay:${t.id}` } })).toBe(0);
  });
});

describe("replay files", () => {
  const SALES = [
    "order_id,region,product,amount",
    "1001,EU,Widget,19.90",
    "1002,US,Gadget,5.00",
    "1003,EU,Gizmo,7.25",
    "1004,APAC,Widget,19.90",
  ].join("\n");

  it("refuses a file without text and time columns when the tracker is made, naming them, with a sample", async () => {
    const owner = await newUser();
    const sales = await makeFile(owner, "sales.csv", null, {
      body: SALES,
      contentType: "text/csv",
    });
    const r = await createTracker(
      owner,
      form({ ...base, sources: ["replay"], replayFileId: sales.id, replaySpeed: "max" }),
    );
    expect(r).toMatchObject({
      ok: false,
      errors: { replayFileId: [expect.stringMatching(/“sales\.csv” has no posts to replay/)] },
      replaySample: {
        columns: ["order_id", "region", "product", "amount"],
        rows: ["1001,EU,Widget,19.90", "1002,US,Gadget,5.00", "1003,EU,Gizmo,7.25"],
      },
    });
    if (r.ok) throw new Error("accepted");
    expect(r.message).toMatch(/lacks a text column and a time column/);
    expect(r.message).toMatch(/text \(or content, body/);
    expect(r.message).toMatch(/time \(or created_at, timestamp/);
    expect(await listTrackers(owner)).toEqual([]);

    // Text but times nobody can read: refused too, and the same on an edit.
    const vague = await makeFile(owner, "vague.ndjson", null, {
      body: '{"text":"hello","time":"yesterday"}\n',
    });
    const good = await makeFile(owner, "posts.ndjson", null, { body: POSTS });
    const t = await createTracker(
      owner,
      form({ ...base, sources: ["replay"], replayFileId: good.id }),
    );
    if (!t.ok) throw new Error(t.message);
    const edit = await updateTracker(
      owner,
      t.id,
      form({ ...base, sources: ["replay"], replayFileId: vague.id }),
    );
    expect(edit).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /None of the first 1 rows of “vague\.ndjson” has both text and a readable time/,
      ),
    });
    expect((await getTracker(owner, t.id))?.replayFileId).toBe(good.id);

    // A gzip name on bytes that are not gzip.
    const fake = await makeFile(owner, "posts.ndjson.gz", null, { body: POSTS });
    const unreadable = await createTracker(
      owner,
      form({ ...base, sources: ["replay"], replayFileId: fake.id }),
    );
    expect(unreadable).toMatchObject({
      ok: false,
      message: "“posts.ndjson.gz” could not be read as gzipped NDJSON or CSV.",
    });
  });

  it("shows the listener's replay errors and end on the dashboard's progress, cleared on a new file", async () => {
    const owner = await newUser();
    const stranger = await newUser();
    const good = await makeFile(owner, "posts.ndjson", null, { body: POSTS });
    const t = await createTracker(
      owner,
      form({ ...base, sources: ["replay"], replayFileId: good.id }),
    );
    if (!t.ok) throw new Error(t.message);
    // Paused: a listener running beside the tests (an e2e run) must not play it meanwhile.
    expect(await setTrackerStatus(owner, t.id, "paused")).toBe(true);
    expect(await replayProgress(owner, t.id)).toEqual({ cursor: null, state: null, message: null });

    await saveSourceState(t.id, "replay", {
      state: "waiting",
      ms: 4_000,
      reason: "error",
      error:
        "The file is no longer in your Drive (deleted or in the trash). Pick another one in Edit.",
    });
    expect(await replayProgress(owner, t.id)).toMatchObject({
      state: "error",
      message: expect.stringMatching(
        /no longer in your Drive.*keeps trying, up to once a minute\.$/,
      ),
    });
    expect(await replayProgress(stranger, t.id)).toBeNull();

    // Opening the file again clears it; an end without posts is an error, with posts a summary.
    await saveSourceState(t.id, "replay", { state: "open" });
    expect((await replayProgress(owner, t.id))?.state).toBeNull();
    await saveSourceState(t.id, "replay", { state: "done", rows: 3, posts: 0 });
    expect(await replayProgress(owner, t.id)).toMatchObject({
      state: "error",
      message: "None of its 3 rows has text and a readable time, so there were no posts to replay.",
    });
    await saveSourceState(t.id, "replay", { state: "done", rows: 1_200, posts: 1_199 });
    expect(await replayProgress(owner, t.id)).toMatchObject({
      state: "done",
      message: "1,199 posts from 1,200 rows (1 without text or a readable time skipped).",
    });
    // A finished replay that is started again (the cursor was done) says nothing new.
    await saveSourceState(t.id, "replay", { state: "done" });
    expect((await replayProgress(owner, t.id))?.state).toBe("done");

    const other = await makeFile(owner, "more.ndjson", null, { body: POSTS });
    await updateTracker(
      owner,
      t.id,
      form({ ...base, sources: ["replay"], replayFileId: other.id }),
    );
    expect((await replayProgress(owner, t.id))?.state).toBeNull();

    // Deleting the tracker takes its state along; a late write from the listener is harmless.
    expect(await deleteTracker(owner, t.id)).toBe(true);
    await saveSourceState(t.id, "replay", { state: "done", rows: 1, posts: 1 });
    expect(await db.pulseSourceState.count({ where: { trackerId: t.id } })).toBe(0);
  });
});
