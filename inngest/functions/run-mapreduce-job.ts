import { NonRetriableError } from "inngest";
import { inngest } from "@/lib/events/client";
import { emailRequested, jobCancelRequested, mapReduceRequested } from "@/lib/events/events";
import { failJob, startJob, succeedJob } from "@/lib/jobs/jobs";
import { MAX_TASK_ATTEMPTS } from "@/lib/mapreduce/attempts";
import { failureEmail, successEmail } from "@/lib/mapreduce/email";
import {
  cleanUpJob,
  prepareJob,
  recordShuffle,
  runTaskStep,
  storeResults,
  type TaskStepResult,
} from "@/lib/mapreduce/execute";
import { MapReduceRunEvent } from "@/lib/mapreduce/event-schemas";
import { getMapReduceJobForRun } from "@/lib/mapreduce/store";
import { removeEmrJobFiles, runOnEmr } from "@/lib/mapreduce/emr/run-steps";
import { isUserFacing, userMessage } from "@/lib/server/errors";

// A MapReduce job on the local engine: prepare (download, plan), the map tasks as parallel steps,
// the shuffle's totals, the reduce tasks as parallel steps, then store the results and e-mail
// the owner. Each task attempt is a step (a failed attempt is retried as the step's retry), so
// with several workers serving the functions an Inngest server spreads the tasks over them; they
// must then share MAPREDUCE_WORK_DIR. Jobs on EMR take runOnEmr's steps instead.

const SERVER_PROBLEM =
  "The job stopped because of a server problem. Run it again; if it keeps failing, tell your administrator.";

const failureCause = (f: Extract<TaskStepResult, { cancelled: false }>) =>
  `${f.taskId.startsWith("m-") ? "Map" : "Reduce"} task ${f.taskId} failed after ` +
  `${f.attempts} attempt${f.attempts === 1 ? "" : "s"}: ${f.reason}` +
  (f.notRetried ? ` (${f.notRetried})` : "") +
  (f.stderrTail.trim() ? `\n\nLast lines of its stderr:\n${f.stderrTail.trim()}` : "");

export const runMapReduceJob = inngest.createFunction(
  {
    id: "run-mapreduce-job",
    retries: 2, // MAX_TASK_ATTEMPTS - 1: each retry of a task step is its next attempt
    // Jobs at once across the workers. Each user has at most 3 active jobs (submit.ts) and at most
    // half a worker's task slots (task-pool.ts), so one user's jobs cannot keep another's from
    // starting: a job beyond this limit waits for any job to finish, whoever's it is.
    concurrency: { limit: 8 },
    triggers: [mapReduceRequested],
    cancelOn: [{ event: jobCancelRequested, match: "data.jobId" }],
    onFailure: async ({ event, error, step }) => {
      const parsed = MapReduceRunEvent.safeParse(event.data.event.data);
      if (!parsed.success) return;
      const { jobId, ownerId } = parsed.data;
      const cause = userMessage(error, SERVER_PROBLEM);
      const failed = await step.run("fail", async () => {
        await cleanUpJob(jobId);
        // An EMR job's staged copies, when the run failed before removing them itself.
        await removeEmrJobFiles(jobId).catch(() => 0);
        return failJob(jobId, cause);
      });
      if (!failed) return;
      const message = await step.run("failure-email", () => failureEmail(ownerId, jobId, cause));
      if (message) await step.sendEvent("send-failure-email", emailRequested.create(message));
    },
  },
  async ({ event, step, attempt }) => {
    const data = MapReduceRunEvent.safeParse(event.data);
    if (!data.success) throw new NonRetriableError(`invalid stratus/mapreduce.run event`);
    const { jobId, ownerId } = data.data;

    const start = await step.run("start", async () => {
      const job = await getMapReduceJobForRun(jobId);
      if (!job || job.ownerId !== ownerId) return null;
      if (!(await startJob(jobId, { phase: "Preparing", progress: 0 }))) return null;
      return { target: job.recipe.target };
    });
    if (!start) return { status: "cancelled" };

    const fail = async (cause: string) => {
      const failed = await step.run("fail", async () => {
        await cleanUpJob(jobId);
        return failJob(jobId, cause);
      });
      if (failed) {
        const message = await step.run("failure-email", () => failureEmail(ownerId, jobId, cause));
        if (message) await step.sendEvent("send-failure-email", emailRequested.create(message));
      }
      return { status: "failed", cause };
    };

    if (start.target === "emr") {
      const outcome = await runOnEmr({ step, jobId, ownerId });
      if (outcome.status === "failed") return fail(outcome.cause);
      if (outcome.status === "cancelled") return outcome;
    } else {
      const prepared = await step.run("prepare", async () => {
        try {
          return { ok: true as const, ...(await prepareJob(jobId, ownerId)) };
        } catch (error) {
          // The owner's to fix (a missing program or input): fail now rather than retry.
          if (!isUserFacing(error)) throw error;
          return { ok: false as const, cause: error.message };
        }
      });
      if (!prepared.ok) return fail(prepared.cause);

      // Tasks go in waves of as many as one user may run at once on a worker (one per core, at
      // most the per-user task slots): each step is one task attempt. With several jobs at once,
      // a step may wait inside its request for a slot; the pool hands slots out round-robin
      // between users, and the task shows why it waits.
      // One task: a step per attempt; a step that found no free slot in time hands back (its
      // request must end) and the task asks again in a new step, keeping its attempt count.
      const runTask = async (taskId: string): Promise<TaskStepResult> => {
        let before = 0;
        for (let ask = 0; ; ask++) {
          const r = await step.run(ask === 0 ? `task-${taskId}` : `task-${taskId}-ask-${ask}`, () =>
            runTaskStep(jobId, taskId, before + attempt, MAX_TASK_ATTEMPTS, ownerId),
          );
          if (!("waiting" in r)) return r;
          before = r.attempt;
        }
      };

      const runPhase = async (taskIds: string[]) => {
        const results: TaskStepResult[] = [];
        for (let i = 0; i < taskIds.length; i += prepared.parallel) {
          const wave = taskIds.slice(i, i + prepared.parallel);
          const out = await Promise.all(wave.map(runTask));
          results.push(...out);
          if (out.some((r) => !r.ok)) break;
        }
        return results;
      };

      const stopped = async (results: TaskStepResult[]) => {
        const failure = results.find((r) => !r.ok && !r.cancelled);
        if (failure && !failure.ok && !failure.cancelled) return fail(failureCause(failure));
        if (results.some((r) => !r.ok)) {
          await step.run("cancelled", () => cleanUpJob(jobId));
          return { status: "cancelled" };
        }
        return null;
      };

      const maps = await runPhase(prepared.mapTasks);
      const mapStop = await stopped(maps);
      if (mapStop) return mapStop;
      await step.run("shuffle", () =>
        recordShuffle(
          jobId,
          maps.map((r) => (r.ok ? r.partitions : [])),
          prepared.reduceTasks.length,
        ),
      );
      const reduces = await runPhase(prepared.reduceTasks);
      const reduceStop = await stopped(reduces);
      if (reduceStop) return reduceStop;
    }

    const stored = await step.run("store-results", async () => {
      try {
        const r = await storeResults(jobId, ownerId);
        const files = r.outputs.length === 1 ? "1 file" : `${r.outputs.length} files`;
        await succeedJob(
          jobId,
          r.outputFolderId,
          `${r.records.toLocaleString("en")} records in ${files}`,
        );
        await cleanUpJob(jobId);
        return { ok: true as const };
      } catch (error) {
        if (!isUserFacing(error)) throw error;
        return { ok: false as const, cause: error.message };
      }
    });
    if (!stored.ok) return fail(stored.cause);
    const message = await step.run("success-email", () => successEmail(ownerId, jobId));
    if (message) await step.sendEvent("send-success-email", emailRequested.create(message));
    return { status: "succeeded" };
  },
);
