"use server";

import { inngest } from "@/lib/events/client";
import { imageApplyRequested, imageBatchRequested } from "@/lib/events/events";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { fieldErrors } from "@/lib/forms";
import { createJob, failJob } from "@/lib/jobs/jobs";
import { logger } from "@/lib/log/logger";
import {
  applyBatchSchema,
  applySchema,
  fileIdSchema,
  librarySearchSchema,
  type ActionState,
} from "./action-schemas";
import { createBatch, MAX_BATCH_IMAGES, resolveSelection } from "./batch";
import { IMAGE_APPLY_KIND } from "./job-schemas";
import { getImage, listImages, type LibraryPage } from "./library";
import { presetIdSchema, renamePresetSchema, savePresetSchema } from "./preset-schemas";
import { deletePreset, getPreset, listPresets, renamePreset, savePreset } from "./presets";
import type { ImagePresetDto } from "./preset-schemas";
import { ApplyError, ownedImage } from "./results";

// Image Studio's server actions. Each parses its input, checks the session itself and scopes
// everything to the signed-in user. They take plain objects: the editor's state is a chain, not a
// form.

const WORKER_DOWN =
  "The background worker could not be reached, so nothing was started. Try again in a moment.";

async function startedOrFailed(jobId: string, send: () => Promise<unknown>): Promise<ActionState> {
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
export async function applyChainAction(input: unknown): Promise<ActionState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = applySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(parsed.error),
      message: parsed.error.issues[0]?.message ?? "The chain is not valid.",
    };
  }
  const { fileId, chain, output } = parsed.data;
  try {
    await ownedImage(user.id, fileId);
    for (const step of chain) {
      if (step.kind === "imageWatermark" && step.enabled) await ownedImage(user.id, step.fileId);
    }
  } catch (err) {
    if (err instanceof ApplyError) return { ok: false, message: err.message };
    throw err;
  }
  const job = await createJob(user.id, IMAGE_APPLY_KIND);
  return startedOrFailed(job.id, () =>
    inngest.send(
      imageApplyRequested.create({ jobId: job.id, userId: user.id, fileId, chain, output }),
    ),
  );
}

/** "Apply preset…" in the Drive: a preset over the selected images and folders. */
export async function applyBatchAction(input: unknown): Promise<ActionState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = applyBatchSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(parsed.error),
      message: parsed.error.issues[0]?.message ?? "Nothing to apply.",
    };
  }
  const preset = await getPreset(user.id, parsed.data.presetId);
  if (!preset)
    return {
      ok: false,
      errors: { presetId: ["Pick a preset"] },
      message: "That preset no longer exists.",
    };
  if (preset.problem) return { ok: false, message: preset.problem };
  if (preset.chain.length === 0) return { ok: false, message: "That preset has no steps." };

  const { images, skipped, missing } = await resolveSelection(user.id, parsed.data.items);
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
  const job = await createBatch(user.id, images);
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
}

export type PresetActionState = ActionState & {
  preset?: ImagePresetDto;
  reason?: "not-found" | "name-taken" | "invalid" | "too-many";
};

export async function savePresetAction(input: unknown): Promise<PresetActionState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = savePresetSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(parsed.error),
      message: parsed.error.issues[0]?.message ?? "Preset not saved.",
    };
  }
  const result = await savePreset(user.id, parsed.data);
  if (!result.ok) {
    return { ok: false, errors: result.errors, message: result.message, reason: result.reason };
  }
  return { ok: true, message: result.message, preset: result.preset };
}

export async function renamePresetAction(input: unknown): Promise<PresetActionState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = renamePresetSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      errors: fieldErrors(parsed.error),
      message: parsed.error.issues[0]?.message ?? "Not renamed.",
    };
  }
  const result = await renamePreset(user.id, parsed.data.id, parsed.data.name);
  if (!result.ok) return { ok: false, errors: result.errors, message: result.message };
  return { ok: true, message: result.message, preset: result.preset };
}

export async function deletePresetAction(id: unknown): Promise<ActionState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = presetIdSchema.safeParse(id);
  if (!parsed.success) return { ok: false, message: "That preset no longer exists." };
  return deletePreset(user.id, parsed.data);
}

/** The presets the Drive's "Apply preset…" dialog offers. */
export async function listPresetsAction(): Promise<
  { ok: true; presets: ImagePresetDto[] } | { ok: false; message: string }
> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  return { ok: true, presets: await listPresets(user.id) };
}

/** The image picker inside the editor (a watermark from the Drive). */
export async function listImagesAction(
  input: unknown,
): Promise<{ ok: true; page: LibraryPage } | { ok: false; message: string }> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = librarySearchSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, message: "That search is not valid." };
  return { ok: true, page: await listImages(user.id, { ...parsed.data, pageSize: 24 }) };
}

export type ResultInfo = {
  id: string;
  name: string;
  size: number;
  location: string;
  folderId: string | null;
};

/** What the result view shows of the file Apply wrote. */
export async function resultInfoAction(
  fileId: unknown,
): Promise<{ ok: true; file: ResultInfo } | { ok: false; message: string }> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = fileIdSchema.safeParse(fileId);
  const image = parsed.success ? await getImage(user.id, parsed.data) : null;
  if (!image) return { ok: false, message: "The result is no longer in your Drive." };
  return {
    ok: true,
    file: {
      id: image.id,
      name: image.name,
      size: image.size,
      location: image.location,
      folderId: image.folderId,
    },
  };
}
