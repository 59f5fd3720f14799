"use server";

import { z } from "zod";
import { inngest } from "@/lib/events/client";
import { imageApplyRequested, imageBatchRequested } from "@/lib/events/events";
import type { FormState } from "@/lib/forms";
import { createJob, failJob } from "@/lib/jobs/jobs";
import { logger } from "@/lib/log/logger";
import { firstIssue, userAction, type ActionFailure } from "@/lib/server/action";
import { applyBatchSchema, applySchema, fileIdSchema, librarySearchSchema } from "./action-schemas";
import { createBatch, MAX_BATCH_IMAGES, resolveSelection } from "./batch";
import { withinImageJobLimit } from "./job-limit";
import { IMAGE_APPLY_KIND } from "./job-schemas";
import { getImage, listImages, type LibraryPage } from "./library";
import { presetIdSchema, renamePresetSchema, savePresetSchema } from "./preset-schemas";
import { deletePreset, getPreset, listPresets, renamePreset, savePreset } from "./presets";
import type { ImagePresetDto } from "./preset-schemas";
import { ownedImage } from "./results";

// Image Studio's server actions, through the one action front door (lib/server/action.ts). They
// take plain objects: the editor's state is a chain, not a form. An ApplyError (a missing image)
// is a UserFacingError, so the front door answers with its message.

type JobState = FormState<string, { jobId: string }>;

const WORKER_DOWN =
  "The background worker could not be reached, so nothing was started. Try again in a moment.";

async function startedOrFailed(jobId: string, send: () => Promise<unknown>): Promise<JobState> {
  try {
    await send();
    logger.info("job started", { jobId });
    return { ok: true, jobId, message: "Started." };
  } catch (err) {
    logger.error("image job event could not be sent", { jobId, error: err });
    await failJob(jobId, WORKER_DOWN);
    return { ok: false, message: WORKER_DOWN };
  }
}

/** Apply: the chain over the full-resolution original, in the background. */
export const applyChainAction = userAction(
  { schema: applySchema, invalid: firstIssue("The chain is not valid.") },
  async ({ fileId, chain, output }, user): Promise<JobState> => {
    await ownedImage(user.id, fileId);
    for (const step of chain) {
      if (step.kind === "imageWatermark" && step.enabled) await ownedImage(user.id, step.fileId);
    }
    const reserved = await withinImageJobLimit(user.id, (tx) =>
      createJob(user.id, IMAGE_APPLY_KIND, tx),
    );
    if (!reserved.ok) return reserved;
    const { job } = reserved;
    return startedOrFailed(job.id, () =>
      inngest.send(
        imageApplyRequested.create({ jobId: job.id, userId: user.id, fileId, chain, output }),
      ),
    );
  },
);

/** "Apply preset…" in the Drive: a preset over the selected images and folders. */
export const applyBatchAction = userAction(
  { schema: applyBatchSchema, invalid: firstIssue("Nothing to apply.") },
  async (input, user): Promise<JobState> => {
    const preset = await getPreset(user.id, input.presetId);
    if (!preset)
      return {
        ok: false,
        errors: { presetId: ["Pick a preset"] },
        message: "That preset no longer exists.",
      };
    if (preset.problem) return { ok: false, message: preset.problem };
    if (preset.chain.length === 0) return { ok: false, message: "That preset has no steps." };

    const { images, skipped, missing } = await resolveSelection(user.id, input.items);
    if (images.length === 0) {
      return {
        ok: false,
        message:
          missing > 0 && skipped === 0
            ? "Those items no longer exist. Reload the page."
            : "The selection holds no images.",
      };
    }
    if (images.length > MAX_BATCH_IMAGES) {
      return {
        ok: false,
        message: `The selection holds more than ${MAX_BATCH_IMAGES} images. Select fewer at a time.`,
      };
    }
    const reserved = await withinImageJobLimit(user.id, (tx) => createBatch(user.id, images, tx));
    if (!reserved.ok) return reserved;
    const { job } = reserved;
    const started = await startedOrFailed(job.id, () =>
      inngest.send(
        imageBatchRequested.create({
          jobId: job.id,
          userId: user.id,
          chain: preset.chain,
          output: preset.output,
        }),
      ),
    );
    if (!started.ok) return started;
    const left = skipped > 0 ? ` ${skipped} file(s) that are not images were left out.` : "";
    const count = images.length === 1 ? "1 image" : `${images.length} images`;
    return { ...started, message: `Applying “${preset.name}” to ${count}.${left}` };
  },
);

type PresetState = FormState<
  string,
  { preset: ImagePresetDto; reason: "not-found" | "name-taken" | "invalid" | "too-many" }
>;

export const savePresetAction = userAction(
  { schema: savePresetSchema, invalid: firstIssue("Preset not saved.") },
  async (input, user): Promise<PresetState> => {
    const result = await savePreset(user.id, input);
    if (!result.ok) {
      return { ok: false, errors: result.errors, message: result.message, reason: result.reason };
    }
    return { ok: true, message: result.message, preset: result.preset };
  },
);

export const renamePresetAction = userAction(
  { schema: renamePresetSchema, invalid: firstIssue("Not renamed.") },
  async (input, user): Promise<PresetState> => {
    const result = await renamePreset(user.id, input.id, input.name);
    if (!result.ok) return { ok: false, errors: result.errors, message: result.message };
    return { ok: true, message: result.message, preset: result.preset };
  },
);

export const deletePresetAction = userAction(
  {
    schema: presetIdSchema,
    invalid: () => ({ ok: false, message: "That preset no longer exists." }),
  },
  async (id, user): Promise<FormState> => deletePreset(user.id, id),
);

/** The presets the Drive's "Apply preset…" dialog offers. */
export const listPresetsAction = userAction(
  { schema: z.unknown() },
  async (_input, user): Promise<{ ok: true; presets: ImagePresetDto[] }> => ({
    ok: true,
    presets: await listPresets(user.id),
  }),
);

/** The image picker inside the editor (a watermark from the Drive). */
export const listImagesAction = userAction(
  {
    schema: librarySearchSchema,
    input: (input: unknown) => input ?? {},
    invalid: () => ({ ok: false, message: "That search is not valid." }),
  },
  async (search, user): Promise<{ ok: true; page: LibraryPage }> => ({
    ok: true,
    page: await listImages(user.id, { ...search, pageSize: 24 }),
  }),
);

export type ResultInfo = {
  id: string;
  name: string;
  size: number;
  location: string;
  folderId: string | null;
};

const RESULT_GONE: ActionFailure = { ok: false, message: "The result is no longer in your Drive." };

/** What the result view shows of the file Apply wrote. */
export const resultInfoAction = userAction(
  { schema: fileIdSchema, invalid: () => RESULT_GONE },
  async (fileId, user): Promise<{ ok: true; file: ResultInfo } | ActionFailure> => {
    const image = await getImage(user.id, fileId);
    if (!image) return RESULT_GONE;
    const { id, name, size, location, folderId } = image;
    return { ok: true, file: { id, name, size, location, folderId } };
  },
);
