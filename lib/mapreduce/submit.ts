import "server-only";
import { inngest } from "@/lib/events/client";
import { mapReduceRequested } from "@/lib/events/events";
import { liveFiles } from "@/lib/drive/access";
import { fieldErrors } from "@/lib/forms";
import { countActiveJobs, failJob } from "@/lib/jobs/jobs";
import { logger } from "@/lib/log/logger";
import { emrConfig } from "./emr/config";
import { EMR_SUPPORTED_BUILTINS } from "./emr/step";
import {
  defaultJobName,
  NewJobInput,
  specFromInput,
  type NewJobFields,
  type NewJobState,
} from "./form-schemas";
import type { FileRef, JobRecipe, StoredInput } from "./records";
import { ProgramName } from "./schemas";
import { createMapReduceJob, MAPREDUCE_KIND } from "./store";

// Submitting a job: the form's fields checked, every file checked to be a live file of the owner,
// then the job recorded and its event sent. Nothing is recorded when anything is wrong.

const WORKER_DOWN =
  "The background worker could not be reached, so the job did not start. Try again in a moment.";

type Errors = Partial<Record<NewJobFields, string[]>>;

/** Checks the submitted form and builds what the job runs; errors are keyed by form field. */
export async function recipeFromInput(
  ownerId: string,
  input: unknown,
): Promise<{ ok: true; recipe: JobRecipe } | { ok: false; errors: Errors; message: string }> {
  const parsed = NewJobInput.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(parsed.error),
      message: "Check the highlighted fields.",
    };
  }
  const form = parsed.data;
  const errors: Errors = {};
  const add = (field: NewJobFields, message: string) => (errors[field] ??= []).push(message);

  const programIds = form.kind === "user" ? [form.mapper, form.reducer, form.combinerFile] : [];
  const files = await liveFiles(ownerId, [
    ...form.inputs,
    ...(form.kind === "join" ? form.rightInputs : []),
    ...programIds.filter((id): id is string => id !== null),
  ]);
  const inputs: StoredInput[] = [];
  const addInputs = (ids: string[], side: "left" | "right", field: NewJobFields) => {
    for (const id of ids) {
      const f = files.get(id);
      if (!f) add(field, "One of the chosen files is no longer in your Drive. Choose again.");
      else inputs.push({ fileId: f.id, name: f.name, size: f.size, side });
    }
  };
  addInputs(form.inputs, "left", "inputs");
  if (form.kind === "join") addInputs(form.rightInputs, "right", "rightInputs");

  const program = (id: string | null, field: NewJobFields): FileRef | null => {
    if (form.kind !== "user" || id === null) return null;
    const f = files.get(id);
    if (!f) {
      add(field, "This program is no longer in your Drive. Choose it again.");
      return null;
    }
    const name = ProgramName.safeParse(f.name);
    if (!name.success) {
      add(
        field,
        `“${f.name}” cannot be used as a program name: ${name.error.issues[0]?.message} Rename it in the Drive.`,
      );
      return null;
    }
    return { fileId: f.id, name: name.data };
  };
  const programs = {
    mapper: program(form.mapper, "mapper"),
    reducer: program(form.reducer, "reducer"),
    combiner: form.combiner === "upload" ? program(form.combinerFile, "combinerFile") : null,
  };
  const byName = new Map<string, string>();
  for (const p of [programs.mapper, programs.reducer, programs.combiner]) {
    if (!p) continue;
    const other = byName.get(p.name);
    if (other && other !== p.fileId) {
      add("form", `Two different programs are both named “${p.name}”. Rename one in the Drive.`);
    }
    byName.set(p.name, p.fileId);
  }

  const spec = specFromInput(form, {
    mapper: programs.mapper?.name ?? (form.kind === "user" && form.mapper ? "" : null),
    reducer: programs.reducer?.name ?? null,
    combiner: programs.combiner?.name ?? null,
  });
  if (!spec.ok)
    for (const [k, v] of Object.entries(spec.errors))
      for (const m of v ?? []) add(k as NewJobFields, m);

  if (form.target === "emr") {
    const emr = emrConfig();
    if (!emr) add("target", "Amazon EMR is not configured on this server.");
    else if (form.kind === "user" && emr.uploadedPrograms !== "allow") {
      add(
        "target",
        "Uploaded programs do not run on Amazon EMR on this server: its cluster runs every user's programs with one role that can read all users' job files. Run this job on this server, where each task has a sandbox of its own.",
      );
    } else if (form.kind !== "user" && !EMR_SUPPORTED_BUILTINS.includes(form.kind)) {
      add(
        "target",
        `EMR runs word count, inverted index and uploaded programs; run this job on this server.`,
      );
    }
  }
  if (!spec.ok || Object.keys(errors).length > 0) {
    return { ok: false, errors, message: "Check the highlighted fields." };
  }
  return {
    ok: true,
    recipe: {
      name: form.name || defaultJobName(spec.spec),
      spec: spec.spec,
      options: spec.options,
      inputs,
      programs,
      target: form.target,
    },
  };
}

/**
 * Jobs of one user queued or running at once: the worker's task slots are shared by every user,
 * and one user's queue of jobs must not keep everyone else's waiting.
 * STRATUS_LIMIT_MAPREDUCE_JOBS_PER_USER overrides it.
 */
export function activeJobsPerUser(): number {
  const raw = Number(process.env.STRATUS_LIMIT_MAPREDUCE_JOBS_PER_USER);
  return Number.isInteger(raw) && raw > 0 ? raw : 3;
}

const tooManyJobs = (active: number, limit: number) =>
  `You already have ${active} MapReduce jobs queued or running (the limit is ${limit} per user). Wait for one to finish, or cancel one.`;

/** Records the job and sends its event; a worker that cannot be reached fails the job at once. */
export async function startMapReduceJob(ownerId: string, recipe: JobRecipe): Promise<NewJobState> {
  const limit = activeJobsPerUser();
  const active = await countActiveJobs(ownerId, MAPREDUCE_KIND);
  if (active >= limit) {
    return {
      ok: false,
      message: tooManyJobs(active, limit),
    };
  }
  const made = await createMapReduceJob(ownerId, recipe, limit);
  if (!made.ok) {
    return {
      ok: false,
      message: tooManyJobs(made.active, limit),
    };
  }
  const { jobId } = made;
  try {
    await inngest.send(mapReduceRequested.create({ jobId, ownerId }));
  } catch (error) {
    logger.error("mapreduce: could not send the job event", { jobId, error });
    await failJob(jobId, WORKER_DOWN);
    return { ok: false, message: WORKER_DOWN, jobId };
  }
  return { ok: true, message: "Job submitted.", jobId };
}
