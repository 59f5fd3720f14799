// User B, the neighbour: ordinary work, timed. A word-count MapReduce job on a few MB Drive file
// (submitted through the lib function its server action calls, startMapReduceJob, as user B;
// followed on GET /api/mapreduce/[jobId] as the job page does), and meanwhile, one after another:
// an image preview as the editor asks for one, the Drive page, and a sign-in through next-auth.
import { cancelJob } from "@/lib/jobs/cancel";
import type { MapReduceView } from "@/lib/mapreduce/view-types";
import { recipeFromInput, startMapReduceJob } from "@/lib/mapreduce/submit";
import { signIn } from "../scale/stack";
import { getJob } from "@/lib/jobs/jobs";
import { errorText, type Session, sleep, TimedOut, within } from "./http";

export type ProbeFiles = { words: string; photo: string };

export type Measure = "previewMs" | "pageMs" | "signInMs";

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
  /** Requests that got no answer within the cap (counted at the cap in the figures). */
  timeouts: Record<Measure, number>;
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
  if (!res.ok) return `preview ${res.status}: ${await errorText(res)}`;
  if ((await res.arrayBuffer()).byteLength === 0) return "preview: empty image";
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

function outcomeOf(job: {
  status: string;
  error: string | null;
  createdAt: string | Date;
  finishedAt: string | Date | null;
}): { ms: number | null; outcome: string } | null {
  if (job.status === "succeeded" && job.finishedAt) {
    return {
      ms: new Date(job.finishedAt).getTime() - new Date(job.createdAt).getTime(),
      outcome: "succeeded",
    };
  }
  if (job.status === "failed" || job.status === "cancelled")
    return { ms: null, outcome: `${job.status}: ${job.error ?? "no reason given"}` };
  return null;
}

/** Follows the job on its page (GET /api/mapreduce/[jobId], as the page polls) until it ends. */
async function followJob(
  b: Session,
  jobId: string,
  deadline: number,
): Promise<{ ms: number | null; outcome: string }> {
  let emptySince: number | null = null;
  while (Date.now() < deadline) {
    try {
      const res = await within(10_000, b.fetch(`/api/mapreduce/${jobId}`));
      if (res.ok) {
        const { view } = (await within(10_000, res.json())) as { view: MapReduceView };
        const ended = outcomeOf(view.job);
        if (ended?.outcome === "succeeded" && view.outputs.length === 0) {
          // The page may read the job's row and its outputs a moment apart, just as the job
          // ends: a succeeded job without outputs is only wrong if it stays so.
          emptySince ??= Date.now();
          if (Date.now() - emptySince > 5_000)
            return { ms: null, outcome: "succeeded without output" };
        } else if (ended) return ended;
      } else await res.arrayBuffer();
    } catch {
      // The page did not answer in time: B's page loads will say so; the job is read below.
    }
    await sleep(250);
  }
  // The cap: whatever the job's page would say now, from the database.
  const row = await getJob(b.account.id, jobId);
  const ended = row && outcomeOf(row);
  if (ended) return ended;
  await cancelJob(b.account.id, jobId);
  return { ms: null, outcome: `still ${row?.status ?? "unknown"} after the cap (cancelled)` };
}

/**
 * One round of B's work. The job runs while B previews, loads /drive and signs in `samples`
 * times (a sign-in every third sample). Each request may take `requestCapMs`; one that takes
 * longer counts as failed, at `requestCapMs` in the figures (a lower bound). No new sample starts
 * after `roundCapMs`; the round ends when the job has ended (or after `roundCapMs`).
 */
export async function runRound(
  b: Session,
  files: ProbeFiles,
  opts: { samples: number; roundCapMs: number; requestCapMs: number },
): Promise<RoundResult> {
  const result: RoundResult = {
    jobMs: null,
    jobOutcome: "",
    previewMs: [],
    pageMs: [],
    signInMs: [],
    failures: [],
    requests: 0,
    timeouts: { previewMs: 0, pageMs: 0, signInMs: 0 },
  };
  const fail = (what: string) => result.failures.push(what);
  const deadline = Date.now() + opts.roundCapMs;
  const submitted = await submitWordCount(b, files);
  const job =
    submitted.ok && submitted.jobId
      ? followJob(b, submitted.jobId, deadline)
      : Promise.resolve({ ms: null, outcome: `refused: ${submitted.message}` });

  const attempt = async (what: string, fn: () => Promise<string | null>, measure: Measure) => {
    const into = result[measure];
    result.requests++;
    try {
      const { ms, value } = await timed(() => within(opts.requestCapMs, fn()));
      if (value) fail(value);
      else into.push(ms);
    } catch (error) {
      if (error instanceof TimedOut) {
        result.timeouts[measure]++;
        into.push(opts.requestCapMs);
      }
      fail(`${what}: ${(error as Error).message}`);
    }
  };
  for (let i = 0; i < opts.samples && Date.now() < deadline; i++) {
    await attempt("preview", () => preview(b, files), "previewMs");
    await attempt("/drive", () => page(b), "pageMs");
    if (i % 3 === 0) {
      await attempt(
        "sign-in",
        async () => {
          b.cookie = await signIn(b.account.email, b.account.password, b.baseUrl);
          return null;
        },
        "signInMs",
      );
    }
  }
  const { ms, outcome } = await job;
  result.jobMs = ms;
  result.jobOutcome = outcome;
  if (ms === null) fail(`word-count job ${outcome}`);
  return result;
}
