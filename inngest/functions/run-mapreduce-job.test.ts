import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { fileRow, makeUser, removeUsers, updateFileRow } from "@/lib/drive/test-helpers";
import { startTestSmtpServer } from "@/lib/email/testing/smtp-server";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testClient, testKeys } from "@/lib/executor/testing/harness";
import { putImage, readObject, waitForJob } from "@/lib/images/testing/fixtures";
import { createJob, markJobCancelled } from "@/lib/jobs/jobs";
import { runWithRequestId } from "@/lib/log/context";
import { expected, fixture } from "@/lib/mapreduce/test-helpers";
import { createMapReduceJob } from "@/lib/mapreduce/store";
import { session } from "@/lib/auth/testing/session-stub";
import { trashItems } from "@/lib/drive/trash";
import { GET as zipRoute } from "@/app/api/drive/zip/route";

// The e-mailed link is the Drive's signed-in zip route: a stand-in session signs users in.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

// Jobs through the real local executor, the real store and a loopback SMTP server: the Drive
// files in, part files and an e-mailed link out.

const keys = testKeys();
// The form's action sends with the app's client: point it at this test's executor.
const eventPort = await stubAppClientEnv(keys);
// Small chunks: a 199-byte input becomes several map tasks.
vi.stubEnv("MAPREDUCE_CHUNK_BYTES", "64");
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-fn-${process.pid}`);
const { inngest } = await import("@/lib/events/client");
const { runMapReduceJob } = await import("./run-mapreduce-job");
const { cleanUpMapReduceJob } = await import("./clean-up-mapreduce-job");
const { sendEmail } = await import("./send-email");
const { recipeFromInput, startMapReduceJob } = await import("@/lib/mapreduce/submit");
const { getMapReduceJob } = await import("@/lib/mapreduce/store");
const execute = await import("@/lib/mapreduce/execute");
const { jobDirOf } = execute;
const { PlanError } = await import("@/lib/mapreduce/plan");

let rig: Awaited<ReturnType<typeof startAppExecutor>>;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
let alice = "";
let bob = "";
beforeAll(async () => {
  smtp = await startTestSmtpServer();
  process.env.SMTP_URL = smtp.url;
  await resetExecutorTables();
  rig = await startAppExecutor(
    inngest,
    [runMapReduceJob, cleanUpMapReduceJob, sendEmail],
    keys,
    eventPort,
    { backoffBaseMs: 20 },
  );
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(async () => {
  await rig?.stop();
  await smtp?.close();
  delete process.env.SMTP_URL;
  await removeUsers(alice, bob);
  vi.unstubAllEnvs();
});

const putText = (owner: string, name: string, text: string | Buffer) =>
  putImage(owner, name, Buffer.from(text), "text/plain");
const putFixture = (owner: string, name: string, ...path: string[]) =>
  putText(owner, name, readFileSync(fixture(...path)));

async function submit(owner: string, form: Record<string, unknown>) {
  const r = await recipeFromInput(owner, form);
  if (!r.ok) throw new Error(`form refused: ${JSON.stringify(r.errors)}`);
  const started = await startMapReduceJob(owner, r.recipe);
  expect(started.ok).toBe(true);
  return started.jobId!;
}

/** The job's part files as stored in the Drive, concatenated and sorted by line. */
async function outputText(owner: string, jobId: string) {
  const job = await getMapReduceJob(owner, jobId);
  const texts: string[] = [];
  for (const o of job?.outputs ?? []) {
    const f = await fileRow(o.fileId);
    expect(f.ownerId).toBe(owner);
    texts.push((await readObject(f.storageKey)).toString("latin1"));
  }
  return texts;
}
const sortedLines = (texts: string[]) =>
  texts
    .join("")
    .split("\n")
    .filter(Boolean)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((l) => `${l}\n`)
    .join("");

async function mailFor(jobName: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = smtp.received.find((m) => m.raw.includes(jobName));
    if (mail) return mail;
    if (Date.now() > deadline) throw new Error(`no e-mail about ${jobName}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The raw message's text, with quoted-printable soft breaks undone. */
const bodyOf = (raw: string) =>
  raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

describe("run-mapreduce-job", () => {
  it("never writes an internal error's text into the job; the owner's own problems it does", async () => {
    const input = await putFixture(alice, "docs.tsv", "docs.tsv");
    const form = { kind: "word-count", inputs: [input.id] };
    // The faults stand for a bug and for a job that cannot be planned: nothing fails on demand.
    const spy = vi.spyOn(execute, "prepareJob");
    try {
      spy.mockRejectedValue(new Error("EACCES: /srv/stratus/mapreduce/… (pw hunter2)"));
      const requestId = "req-mapreduce-internal";
      const jobId = await runWithRequestId(requestId, () => submit(alice, form));
      const done = await waitForJob(jobId, 30_000);
      expect(done.status).toBe("failed");
      expect(done.error).toBe(
        `The job stopped because of a server problem. Run it again; if it keeps failing, tell your administrator. (Request id: ${requestId}.)`,
      );

      spy.mockRejectedValue(new PlanError("The program map.py is missing from the job."));
      const planned = await waitForJob(await submit(alice, form), 30_000);
      expect(planned).toMatchObject({
        status: "failed",
        error: "The program map.py is missing from the job.",
      });
    } finally {
      spy.mockRestore();
    }
  });

  it("runs word count over a Drive file in several tasks and e-mails a working link", async () => {
    const input = await putFixture(alice, "docs.tsv", "docs.tsv");
    const jobId = await submit(alice, {
      name: "Docs words",
      kind: "word-count",
      inputs: [input.id],
    });

    const done = await waitForJob(jobId, 60_000);
    expect(done).toMatchObject({ status: "succeeded", progress: 100, error: null });
    const job = await getMapReduceJob(alice, jobId);
    expect(job!.mapTotal).toBeGreaterThanOrEqual(3);
    expect(job!.reduceTotal).toBe(2);
    expect(job!.tasks.every((t) => t.state === "succeeded")).toBe(true);
    expect(job!.tasks.filter((t) => t.kind === "map")).toHaveLength(job!.mapTotal);
    expect(job!.partitions?.reduce((n, p) => n + p.records, 0)).toBeGreaterThan(0);
    expect(job!.counters?.["Map-Reduce Framework"]?.["Map input records"]).toBe(5);
    expect(job!.mapFinishedAt).not.toBeNull();
    expect(job!.reduceFinishedAt).not.toBeNull();
    expect(job!.outputs?.map((o) => o.name)).toEqual(["part-00000", "part-00001"]);
    expect(sortedLines(await outputText(alice, jobId))).toBe(
      sortedLines([expected("word-count.txt")]),
    );
    // No zip is stored beside the parts: "Download all" and the mail zip them from the Drive.
    expect(job!.zipKey).toBeNull();

    const mail = await mailFor("Docs words");
    // The directory goes in the step that stores the results, which ends before the e-mail.
    expect(existsSync(jobDirOf(jobId))).toBe(false);
    const body = bodyOf(mail.raw);
    expect(mail.to).toEqual([(await db.user.findUniqueOrThrow({ where: { id: alice } })).email]);
    expect(body).toContain("finished");
    // No bearer link (issue 14, item 12): the mail points into the app, which wants the owner's
    // session and serves only live files.
    expect(body).not.toMatch(/X-Amz-/);
    const link = /https?:\/\/\S+\/api\/drive\/zip\?files=\S+/.exec(body)?.[0];
    expect(link).toBeDefined();
    const outputIds = job!.outputs!.map((o) => o.fileId);
    expect(new URL(link!).searchParams.get("files")).toBe(outputIds.join(","));
    const follow = async (user: string | null) => {
      session.user = user ? { id: user } : null;
      try {
        return await zipRoute(new Request(link!));
      } finally {
        session.user = null;
      }
    };
    expect((await follow(null)).status).toBe(401);
    expect((await follow(bob)).status).toBe(404);
    const res = await follow(alice);
    expect(res.status).toBe(200);
    const zip = Buffer.from(await res.arrayBuffer());
    expect(zip.subarray(0, 2).toString()).toBe("PK");
    expect(zip.includes(Buffer.from("part-00001"))).toBe(true);
    // A trashed result is no longer served through the mailed link.
    await trashItems(alice, [{ kind: "file", id: outputIds[0]! }]);
    expect((await follow(alice)).status).toBe(404);
  });

  it("gives the same output for the textbook's Python programs as for the built-in", async () => {
    const input = await putFixture(alice, "docs.tsv", "docs.tsv");
    const mapper = await putFixture(alice, "ii_mapper.py", "programs", "ii_mapper.py");
    const reducer = await putFixture(alice, "ii_reducer.py", "programs", "ii_reducer.py");
    const jobId = await submit(alice, {
      name: "Uploaded index",
      kind: "user",
      inputs: [input.id],
      mapper: mapper.id,
      reducer: reducer.id,
      combiner: "none",
      reducers: "3",
    });
    const done = await waitForJob(jobId, 90_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(sortedLines(await outputText(alice, jobId))).toBe(
      sortedLines([expected("inverted-index.txt")]),
    );
  });

  it("fails with the failing task's stderr after two attempts that fail alike, and says so by e-mail", async () => {
    const input = await putFixture(alice, "docs.tsv", "docs.tsv");
    const mapper = await putFixture(alice, "failing_mapper.py", "programs", "failing_mapper.py");
    const jobId = await submit(alice, {
      name: "Doomed job",
      kind: "user",
      inputs: [input.id],
      mapper: mapper.id,
      combiner: "none",
    });
    const done = await waitForJob(jobId, 90_000);
    expect(done.status).toBe("failed");
    // The second attempt failed as the first did: no third (failure-kind.ts).
    expect(done.error).toMatch(/^Map task m-\d{5} failed after 2 attempts: /);
    expect(done.error).toContain("failed the same way as the attempt before");
    expect(done.error).toContain("boom: cannot parse record 42");
    const job = await getMapReduceJob(alice, jobId);
    const failed = job!.tasks.filter((t) => t.state === "failed");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]!.attempts).toBe(2);
    expect(failed[0]!.error).toContain("Attempt 2 of up to 3");
    expect(existsSync(jobDirOf(jobId))).toBe(false);
    const mail = bodyOf((await mailFor("Doomed job")).raw);
    expect(mail).toContain("failed");
    expect(mail).toContain("boom: cannot parse record 42");
  });

  it("stops running tasks within seconds of a cancel and removes the job directory", async () => {
    const input = await putFixture(alice, "docs.tsv", "docs.tsv");
    const mapper = await putFixture(alice, "slow_mapper.py", "programs", "slow_mapper.py");
    const jobId = await submit(alice, {
      kind: "user",
      inputs: [input.id],
      mapper: mapper.id,
      combiner: "none",
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await getMapReduceJob(alice, jobId);
      if (job?.tasks.some((t) => t.state === "running")) break;
      if (Date.now() > deadline) throw new Error("no task started");
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(existsSync(jobDirOf(jobId))).toBe(true);
    expect(await markJobCancelled(alice, jobId)).toBe(true);
    // What the Cancel button does (lib/jobs/cancel.ts): mark the job, then send the event.
    await testClient(keys, rig.eventPort).send({ name: "stratus/job.cancel", data: { jobId } });
    const stopBy = Date.now() + 10_000;
    for (;;) {
      const job = await getMapReduceJob(alice, jobId);
      if (job && job.tasks.every((t) => t.state !== "running")) break;
      if (Date.now() > stopBy) throw new Error("tasks still running 10 s after the cancel");
      await new Promise((r) => setTimeout(r, 100));
    }
    const gone = Date.now() + 15_000;
    while (existsSync(jobDirOf(jobId)) && Date.now() < gone) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(existsSync(jobDirOf(jobId))).toBe(false);
    expect((await db.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("cancelled");
  });

  it("refuses a user's fourth active job, naming the limit, recording nothing", async () => {
    const carol = await makeUser();
    try {
      const input = await putFixture(carol, "docs.tsv", "docs.tsv");
      const r = await recipeFromInput(carol, { kind: "word-count", inputs: [input.id] });
      if (!r.ok) throw new Error("form refused");
      // Three jobs waiting in the queue (recorded, never sent).
      for (let i = 0; i < 3; i++) await createJob(carol, "mapreduce");
      const refused = await startMapReduceJob(carol, r.recipe);
      expect(refused).toEqual({
        ok: false,
        message:
          "You already have 3 MapReduce jobs queued or running (the limit is 3 per user). Wait for one to finish, or cancel one.",
      });
      expect(await db.job.count({ where: { ownerId: carol } })).toBe(3);
    } finally {
      await removeUsers(carol);
    }
  });

  it("lets exactly the limit through when many submits race", async () => {
    // The attack: a burst of submits all passing a count-then-insert check before any insert.
    const dave = await makeUser();
    try {
      const input = await putFixture(dave, "docs.tsv", "docs.tsv");
      const r = await recipeFromInput(dave, { kind: "word-count", inputs: [input.id] });
      if (!r.ok) throw new Error("form refused");
      const made = await Promise.all(
        Array.from({ length: 8 }, () => createMapReduceJob(dave, r.recipe, 3)),
      );
      expect(made.filter((m) => m.ok)).toHaveLength(3);
      expect(await db.job.count({ where: { ownerId: dave } })).toBe(3);
      expect(await db.mapReduceJob.count({ where: { job: { ownerId: dave } } })).toBe(3);
    } finally {
      await removeUsers(dave);
    }
  });

  it("fails clearly when an input went to the trash after the job was submitted", async () => {
    const input = await putFixture(alice, "docs.tsv", "docs.tsv");
    const r = await recipeFromInput(alice, { kind: "word-count", inputs: [input.id] });
    if (!r.ok) throw new Error("form refused");
    await updateFileRow(input.id, { trashedAt: new Date() });
    const started = await startMapReduceJob(alice, r.recipe);
    const done = await waitForJob(started.jobId!, 30_000);
    expect(done.status).toBe("failed");
    expect(done.error).toBe(
      "The input “docs.tsv” is no longer in your Drive (or is in the trash).",
    );
  });

  it("refuses other users' files and bad options without recording anything", async () => {
    const theirs = await putFixture(bob, "secret.tsv", "docs.tsv");
    const before = await db.job.count({ where: { ownerId: alice } });
    const r = await recipeFromInput(alice, {
      kind: "word-count",
      inputs: [theirs.id],
      reducers: "0",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.inputs?.[0]).toContain("no longer in your Drive");
    expect(r.errors.reducers).toEqual(["Use at least one reducer."]);
    const grep = await recipeFromInput(alice, { kind: "grep", inputs: [], pattern: "(" });
    expect(grep.ok).toBe(false);
    if (!grep.ok) {
      expect(grep.errors.inputs).toEqual(["Choose at least one input file."]);
    }
    const badRegex = await recipeFromInput(alice, {
      kind: "grep",
      inputs: [(await putFixture(alice, "d.tsv", "docs.tsv")).id],
      pattern: "(",
    });
    expect(badRegex.ok).toBe(false);
    if (!badRegex.ok)
      expect(badRegex.errors.pattern?.[0]).toMatch(/^Not a valid regular expression/);
    expect(await db.job.count({ where: { ownerId: alice } })).toBe(before);
  });
});
