// User A, the noisy neighbour: everything issue 15 lists, all at once, each as hostile as the app
// lets a user be. Real HTTP for what a browser reaches by URL (previews, live streams, zips, the
// job page); MapReduce jobs are submitted and cancelled through the lib functions their server
// actions call (submitJobAction → recipeFromInput + startMapReduceJob, cancelJobAction →
// cancelJob), as user A, since server actions are awkward to call from outside a browser.
import { cancelJob } from "@/lib/jobs/cancel";
import { recipeFromInput, startMapReduceJob } from "@/lib/mapreduce/submit";
import { getJob } from "@/lib/jobs/jobs";
import { errorText, isAbort, type Session, sleep, Tally } from "./http";

export type AttackFiles = {
  /** Uploaded mapper: forks as many sleeping children as it may, then sleeps. */
  forkMapper: string;
  /** Uploaded mapper: many children, each filling memory, then sleeping. */
  hogMapper: string;
  /** "x\n": the input of both uploaded mappers. */
  tinyInput: string;
  /** Lines of a's ending in "!": `^(a+)+$` backtracks exponentially on each. */
  aaaInput: string;
  /** A 64×64 PNG. */
  tinyPng: string;
  /** The files of the largest zip the bench downloads. */
  zipFiles: string[];
  trackerId: string;
};

// ISO_ATTACKS=jobs,previews,streams,zips (default: all) runs only some of A's workloads, to find
// which one costs B what.
const ATTACKS = new Set(
  (process.env.ISO_ATTACKS ?? "jobs,previews,streams,zips").split(",").map((a) => a.trim()),
);
const only = (name: string, n: number) => (ATTACKS.has(name) ? n : 0);

export const ATTACK = {
  jobs: ATTACKS.has("jobs"),
  previewsInFlight: only("previews", 10),
  streams: only("streams", 50),
  /** Zip downloads A keeps running (the default per-user limit is 2: the third is refused). */
  zips: only("zips", 3),
  regex: "^(a+)+$",
};

type JobOutcome = { name: string; jobId: string | null; status: string; error: string | null };

export type AttackReport = {
  /** Every refusal or failure message A got, tallied by where it came from. */
  messages: Tally;
  jobs: JobOutcome[];
  previews: { ok: number; refused: number; failed: number };
  streams: { open: number; refused: number };
  zips: { completed: number; refused: number; mib: number };
};

export type Attack = {
  /** Resolves once every workload is in effect (or was refused: a refusal is in effect too). */
  ready: Promise<string>;
  stop: () => Promise<AttackReport>;
};

export function startAttack(a: Session, files: AttackFiles): Attack {
  const messages = new Tally();
  const abort = new AbortController();
  const { signal } = abort;
  const report: AttackReport = {
    messages,
    jobs: [],
    previews: { ok: 0, refused: 0, failed: 0 },
    streams: { open: 0, refused: 0 },
    zips: { completed: 0, refused: 0, mib: 0 },
  };

  // --- MapReduce: three jobs (the per-user job limit), the longest timeout allowed ----------
  const jobForms = !ATTACK.jobs
    ? []
    : [
        {
          name: "fork-and-sleep mapper",
          form: { kind: "user", mapper: files.forkMapper, inputs: [files.tinyInput] },
        },
        {
          name: "memory hog mapper",
          form: { kind: "user", mapper: files.hogMapper, inputs: [files.tinyInput] },
        },
        {
          name: `grep ${ATTACK.regex}`,
          form: { kind: "grep", pattern: ATTACK.regex, inputs: [files.aaaInput] },
        },
      ];
  const jobs = (async () => {
    const out: { name: string; jobId: string | null }[] = [];
    for (const { name, form } of jobForms) {
      const checked = await recipeFromInput(a.account.id, {
        ...form,
        combiner: "none",
        taskTimeoutSeconds: "3600",
      });
      if (!checked.ok) {
        const why = Object.values(checked.errors).flat()[0] ?? checked.message;
        messages.add(`job form refused (${name}): ${why}`);
        out.push({ name, jobId: null });
        continue;
      }
      const started = await startMapReduceJob(a.account.id, checked.recipe);
      if (!started.ok) messages.add(`job refused (${name}): ${started.message}`);
      out.push({ name, jobId: started.ok ? (started.jobId ?? null) : null });
    }
    return out;
  })();

  // --- ten worst-case previews kept in flight ----------------------------------------------
  let previewN = 0;
  const previewLoop = async () => {
    while (!signal.aborted) {
      // A different size each time: the preview cache never answers for the server.
      const side = 9990 - (previewN++ % 500);
      const chain = [
        {
          id: `r${previewN}`,
          kind: "resize",
          width: side,
          height: side,
          fit: "fill",
          withoutEnlargement: false,
        },
        { id: `b${previewN}`, kind: "blur", sigma: 100 },
      ];
      try {
        const res = await a.postJson(
          "/api/images/preview",
          { fileId: files.tinyPng, chain },
          signal,
        );
        if (res.ok) {
          await res.arrayBuffer();
          report.previews.ok++;
        } else {
          const text = await errorText(res);
          messages.add(`preview ${res.status}: ${text}`);
          if (res.status === 429) report.previews.refused++;
          else report.previews.failed++;
          // A refused client tries again soon, as an impatient editor would.
          await sleep(250);
        }
      } catch (error) {
        if (isAbort(error)) return;
        report.previews.failed++;
        messages.add(`preview error: ${(error as Error).message}`);
        await sleep(250);
      }
    }
  };
  const previews = Array.from({ length: ATTACK.previewsInFlight }, previewLoop);

  // --- 50 live dashboard streams, held open ------------------------------------------------
  let streamsAnswered = 0;
  const stream = async () => {
    try {
      const res = await a.fetch(`/api/pulse/${files.trackerId}/stream?range=1h`, {
        headers: { accept: "text/event-stream" },
        signal,
      });
      streamsAnswered++;
      if (!res.ok || !res.body) {
        report.streams.refused++;
        messages.add(`live stream ${res.status}: ${await errorText(res)}`);
        return;
      }
      report.streams.open++;
      // Read it as EventSource does, until the round ends.
      for await (const chunk of res.body) void chunk;
    } catch (error) {
      if (!isAbort(error)) messages.add(`live stream error: ${(error as Error).message}`);
    }
  };
  const streams = Array.from({ length: ATTACK.streams }, stream);

  // --- the largest zip, downloaded again and again -----------------------------------------
  let zipBytes = 0;
  const zipPath = `/api/drive/zip?files=${files.zipFiles.join(",")}`;
  const zipLoop = async () => {
    while (!signal.aborted) {
      try {
        const res = await a.fetch(zipPath, { signal });
        if (!res.ok || !res.body) {
          report.zips.refused++;
          messages.add(`zip ${res.status}: ${await errorText(res)}`);
          await sleep(1_000);
          continue;
        }
        for await (const chunk of res.body) zipBytes += (chunk as Uint8Array).byteLength;
        report.zips.completed++;
      } catch (error) {
        if (isAbort(error)) return;
        messages.add(`zip error: ${(error as Error).message}`);
        await sleep(1_000);
      }
    }
  };
  const zips = Array.from({ length: ATTACK.zips }, zipLoop);

  // In effect: every job started (or already over), every stream answered, a zip under way. Capped: an attack the app holds back (a queued job) is in effect too.
  const ready = (async () => {
    const deadline = Date.now() + 60_000;
    const started = await jobs;
    for (;;) {
      // The jobs' state from the database: the job page may be what the attack stalls.
      const rows = await Promise.all(
        started.map((j) => (j.jobId ? getJob(a.account.id, j.jobId) : Promise.resolve(null))),
      );
      const jobsInEffect = rows.every(
        (row, i) => !started[i]!.jobId || (row && row.status !== "queued"),
      );
      // (The previews are in effect once sent: the server holds them or answers.)
      const httpInEffect =
        streamsAnswered === ATTACK.streams &&
        (ATTACK.zips === 0 || zipBytes > 0 || report.zips.refused > 0);
      if (jobsInEffect && httpInEffect) return "in effect";
      if (Date.now() > deadline) {
        const jobStates = rows.map(
          (row, i) => `${started[i]!.name}: ${started[i]!.jobId ? row?.status : "refused"}`,
        );
        return (
          `not all in effect after 60 s (${jobStates.join(", ")}; ` +
          `${streamsAnswered}/${ATTACK.streams} streams answered, ${Math.round(zipBytes / 2 ** 20)} MiB of zip)`
        );
      }
      await sleep(500);
    }
  })();

  const stop = async (): Promise<AttackReport> => {
    abort.abort();
    await Promise.allSettled([...previews, ...streams, ...zips]);
    report.zips.mib = Math.round(zipBytes / 2 ** 20);
    for (const job of await jobs) {
      if (!job.jobId) {
        report.jobs.push({ ...job, status: "refused", error: null });
        continue;
      }
      // What A's job page said when the round ended (read from the database: the page itself
      // may be too slow to answer under the attack); a job that failed on its own says why.
      const row = await getJob(a.account.id, job.jobId);
      const status = row?.status ?? "unknown";
      const error = row?.error ?? null;
      if (status === "failed") messages.add(`job failed (${job.name}): ${error}`);
      report.jobs.push({ ...job, status, error });
      if (status === "queued" || status === "running") await cancelJob(a.account.id, job.jobId);
    }
    return report;
  };

  return { ready, stop };
}

/** The bench's memory hog: `children` processes each touching `mib` MiB, then sleeping. */
export function memoryHogProgram(children: number, mib: number): string {
  return `"""Hostile mapper (bench/isolation): ${children} children each fill ${mib} MiB, then sleep."""
import os
import sys
import time

sys.stdin.read()
pids = []
for _ in range(${children}):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        blocks = []
        for _ in range(${mib}):
            blocks.append(b"x" * (1024 * 1024))
        time.sleep(3600)
        os._exit(len(blocks) & 1)
    pids.append(pid)
sys.stderr.write(f"forked {len(pids)} children\\n")
for pid in pids:
    os.waitpid(pid, 0)
print("all children done")
`;
}
