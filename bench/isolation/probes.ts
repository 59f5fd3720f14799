// User B, the neighbour: ordinary work, timed. A word-count MapReduce job on a few MB Drive file
// (submitted through the lib function its server action calls, startMapReduceJob, as user B;
// followed on GET /api/mapreduce/[jobId] as the job page does), and meanwhile, one after another:
// an image preview as the editor asks for one, the Drive page, and a sign-in through next-auth.
import { cancelJob } from "@/lib/jobs/cancel";
import type { MapReduceView } from "@/lib/mapreduce/view-types";
import { recipeFromInput, startMapReduceJob } from "@/lib/mapreduce/submit";
import { signIn } from "../scale/stack";
import { errorText, type Session, sleep } from "./http";

export type ProbeFiles = { words: string; photo: string };

export type RoundResult = {
  /** Submit → succeeded, from the job's own timestamps; null when it did not succeed in time. */
  jobMs: number | null;
  jobOutcome: string;
  previewMs: number[];
  pageMs: number[];
  signInMs: number[];
  /** B's requests that did not get what they asked for, with why. */
  failures: string[];
  requests: number;
};

let previewN = 0;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function preview(b: Session, files: ProbeFiles): Promise<string | null> {
  // A slider being dragged: a new brightness each time, so the preview cache never answers.
  const value = 1 + ((previewN++ % 900) + 1) / 1000;
  const res = await b.postJson("/api/images/preview", {
    fileId: files.photo,
    chain: [
      { id: "b1", kind: "brightness", value },
      { id: "s1", kind: "saturation", value: 1.2 },
    ],
  });
  const body = await res.arrayBuffer();
  if (!res.ok || body.byteLength === 0) return `preview ${res.status}`;
  return null;
}

async function page(b: Session): Promise<string | null> {
  const res = await b.fetch("/drive");
  const html = await res.text();
  if (res.status !== 200 || !html.includes("</html>")) return `/drive ${res.status}`;
  return null;
}

async function submitWordCount(b: Session, files: ProbeFiles) {
  const checked = await recipeFromInput(b.account.id, {
    kind: "word-count",
    inputs: [files.words],
    reducers: "2",
  });
  if (!checked.ok) throw new Error(`word count form refused: ${checked.message}`);
  return startMapReduceJob(b.account.id, checked.recipe);
}

async function followJob(
  b: Session,
  jobId: string,
  deadline: number,
): Promise<{ ms: number | null; outcome: string }> {
  for (;;) {
    const res = await b.fetch(`/api/mapreduce/${jobId}`);
    if (res.ok) {
      const { view } = (await res.json()) as { view: MapReduceView };
      const { job } = view;
      if (job.status === "succeeded") {
        if (view.outputs.length === 0) return { ms: null, outcome: "succeeded without output" };
        const ms = Date.parse(job.finishedAt!) - Date.parse(job.createdAt);
        return { ms, outcome: "succeeded" };
      }
      if (job.status === "failed" || job.status === "cancelled") {
        const taskError = view.tasks.find((t) => t.error)?.error;
        return { ms: null, outcome: `${job.status}: ${job.error ?? taskError ?? "no reason"}` };
      }
      if (Date.now() > deadline) {
        await cancelJob(b.account.id, jobId);
        return { ms: null, outcome: `still ${job.status} after the cap (cancelled)` };
      }
    } else if (Date.now() > deadline) {
      return { ms: null, outcome: `job page ${res.status}: ${await errorText(res)}` };
    }
    await sleep(250);
  }
}

/**
 * One round of B's work. The job runs while B previews, loads /drive and signs in `samples`
 * times (a sign-in every third sample); the round ends when the job has ended (or after
 * `jobCapMs`) and every sample was taken.
 */
export async function runRound(
  b: Session,
  files: ProbeFiles,
  samples: number,
  jobCapMs: number,
): Promise<RoundResult> {
  const result: RoundResult = {
    jobMs: null,
    jobOutcome: "",
    previewMs: [],
    pageMs: [],
    signInMs: [],
    failures: [],
    requests: 0,
  };
  const fail = (what: string) => result.failures.push(what);
  const submitted = await submitWordCount(b, files);
  const job =
    submitted.ok && submitted.jobId
      ? followJob(b, submitted.jobId, Date.now() + jobCapMs)
      : Promise.resolve({ ms: null, outcome: `refused: ${submitted.message}` });

  const attempt = async (what: string, fn: () => Promise<string | null>, into: number[]) => {
    result.requests++;
    try {
      const { ms, value } = await timed(fn);
      if (value) fail(value);
      else into.push(ms);
    } catch (error) {
      fail(`${what}: ${(error as Error).message}`);
    }
  };
  for (let i = 0; i < samples; i++) {
    await attempt("preview", () => preview(b, files), result.previewMs);
    await attempt("/drive", () => page(b), result.pageMs);
    if (i % 3 === 0) {
      await attempt(
        "sign-in",
        async () => {
          b.cookie = await signIn(b.account.email, b.account.password, b.baseUrl);
          return null;
        },
        result.signInMs,
      );
    }
  }
  const { ms, outcome } = await job;
  result.jobMs = ms;
  result.jobOutcome = outcome;
  if (ms === null) fail(`word-count job ${outcome}`);
  return result;
}
