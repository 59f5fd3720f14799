"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/lib/forms";
import { JobId } from "@/lib/jobs/schemas";
import { firstIssue, userAction } from "@/lib/server/action";
import { deleteObject } from "@/lib/storage/objects";
import { formFromRecipe, newJobObject, type NewJobState } from "./form-schemas";
import { dryRun } from "./dry-run";
import { MAX_PROGRAM_BYTES, readInputHead, readProgram, saveProgram } from "./program-files";
import { deleteMapReduceJob, getMapReduceJob } from "./store";
import { recipeFromInput, startMapReduceJob } from "./submit";

// MapReduce's server actions, through the one action front door (lib/server/action.ts); each
// touches only the signed-in user's jobs.

const JOB_GONE = "This job does not exist.";

/** The new-job form (also Clone and edit): on success, the job's page. */
export const submitJobAction = userAction(
  {
    // The fields as posted; recipeFromInput checks them against NewJobInput and the user's files.
    schema: z.record(z.string(), z.unknown()),
    input: (_prev: NewJobState, formData: FormData) => newJobObject(formData),
  },
  async (form, user): Promise<NewJobState> => {
    const checked = await recipeFromInput(user.id, form);
    if (!checked.ok) return { ok: false, errors: checked.errors, message: checked.message };
    const started = await startMapReduceJob(user.id, checked.recipe);
    if (!started.ok || !started.jobId) return started;
    redirect(`/mapreduce/${started.jobId}`);
  },
);

/** Re-run: the same job again, with the files it named (checked again: they may be gone). */
export const rerunJobAction = userAction(
  { schema: JobId, invalid: () => ({ ok: false, message: JOB_GONE }) },
  async (jobId, user): Promise<NewJobState> => {
    const job = await getMapReduceJob(user.id, jobId);
    if (!job) return { ok: false, message: JOB_GONE };
    const checked = await recipeFromInput(user.id, formFromRecipe(job.recipe));
    if (!checked.ok) {
      const first = Object.values(checked.errors).flat()[0];
      return {
        ok: false,
        message: `The job cannot run again as it was: ${first ?? checked.message} Use Clone and edit to change it.`,
      };
    }
    return startMapReduceJob(user.id, checked.recipe);
  },
);

/** Deletes a finished job's record; its result files stay in the Drive. */
export const deleteJobAction = userAction(
  {
    schema: JobId,
    invalid: () => ({ ok: false, message: "Only a finished job of yours can be deleted." }),
  },
  async (jobId, user): Promise<FormState> => {
    const deleted = await deleteMapReduceJob(user.id, jobId);
    if (!deleted) return { ok: false, message: "Only a finished job of yours can be deleted." };
    if (deleted.zipKey) await deleteObject(deleted.zipKey).catch(() => undefined);
    return { ok: true, message: "Job deleted. Its results stay in your Drive." };
  },
);

const ProgramName = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    "Name the program with letters, digits, dots, dashes and underscores (e.g. mapper.py).",
  );
const ProgramSource = z
  .string()
  .max(MAX_PROGRAM_BYTES, "The program is longer than 256 KiB.")
  .refine((s) => s.trim() !== "", "The program is empty.");
const EditorProgram = z.object({ name: ProgramName, source: ProgramSource });
const FileIdSchema = z.string().min(1).max(64);

/** Opens a program of the user's Drive in the editor. */
export const loadProgramAction = userAction(
  { schema: FileIdSchema, invalid: "Choose a program file." },
  async (fileId, user) => ({ ok: true as const, program: await readProgram(user.id, fileId) }),
);

/** Saves the editor's program to the user's Drive, in the folder they chose. */
export const saveProgramAction = userAction(
  {
    schema: EditorProgram.extend({ folderId: FileIdSchema.nullable() }),
    invalid: firstIssue("The program could not be saved."),
  },
  async (program, user) => ({ ok: true as const, file: await saveProgram(user.id, program) }),
);

/**
 * "Test on the first 100 lines": the mapper (and reducer) over the start of an input, in the
 * tasks' sandbox; one at a time per user (dry-run.ts).
 */
export const dryRunAction = userAction(
  {
    schema: z.object({
      mapper: EditorProgram,
      reducer: EditorProgram.nullable(),
      inputFileId: FileIdSchema,
    }),
    invalid: firstIssue("Choose an input file and write a mapper first."),
  },
  async (input, user) => {
    const head = await readInputHead(user.id, input.inputFileId);
    const result = await dryRun(user.id, {
      mapper: input.mapper,
      reducer: input.reducer,
      input: head,
    });
    return { ok: true as const, result };
  },
);
