import "server-only";
import { failJob, reportProgress, startJob, succeedJob } from "@/lib/jobs/jobs";
import type { Chain, OutputOptions } from "./chain";
import { imageConfig, imageLimits } from "./config";
import { renderChain } from "./pipeline";
import { UserFacingError } from "@/lib/server/errors";
import {
  openImage,
  outputFormat,
  ownedImage,
  readImage,
  resultName,
  storeResult,
  studioFolder,
} from "./results";

// The work behind Apply and behind each image of a batch: read the original from the owner's
// Drive, run the chain at full resolution, store the result as a new Drive file. The original is
// only read, so whatever goes wrong it stays as it was.

export type Processed = { fileId: string; name: string; width: number; height: number };

/**
 * One image through the chain into `folderId`. `onPhase` hears Loading / Filtering / Saving and
 * may return false to stop before anything is stored (the job was cancelled meanwhile).
 */
export async function processImage(input: {
  ownerId: string;
  fileId: string;
  chain: Chain;
  output: OutputOptions;
  folderId?: string;
  onPhase?: (phase: "Loading" | "Filtering" | "Saving") => Promise<boolean>;
}): Promise<Processed | null> {
  const phase = input.onPhase ?? (async () => true);
  if (!(await phase("Loading"))) return null;
  const original = await ownedImage(input.ownerId, input.fileId);
  const stream = await openImage(original);
  if (!(await phase("Filtering"))) {
    stream.destroy();
    return null;
  }
  const rendered = await renderChain(stream, input.chain, input.output, {
    loadWatermark: (watermarkId: string) => readImage(input.ownerId, watermarkId),
    limits: imageLimits(),
    timeout: applyTimeout(),
  });
  if (!(await phase("Saving"))) return null;
  const folderId = input.folderId ?? (await studioFolder(input.ownerId));
  const saved = await storeResult(
    input.ownerId,
    folderId,
    resultName(original.name, input.output.format),
    rendered.data,
    outputFormat(input.output.format).mime,
  );
  return {
    fileId: saved.id,
    name: saved.name,
    width: rendered.info.width,
    height: rendered.info.height,
  };
}

/** sharp's timeout for a full-size render: generous, but a chain cannot hold a worker forever. */
export function applyTimeout(): { seconds: number; message: string } {
  const seconds = imageConfig().IMAGE_APPLY_TIMEOUT_SECONDS;
  const took = seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`;
  return {
    seconds,
    message: `Applying the chain took more than ${took} and was stopped. Your original is unchanged; try fewer heavy steps (a large resize, blur or rotation) or a smaller size.`,
  };
}

/** Job phases hold at most 100 characters; long file names are shortened with an ellipsis. */
export function clip(text: string, max = 100): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

const PHASE_PROGRESS = { Loading: 5, Filtering: 20, Saving: 85 } as const;

/**
 * The single Apply job, start to finish. Returns what happened; throws only for errors worth a
 * retry (the store or the database was unreachable). A UserFacingError (a corrupt file, a full
 * Drive…) fails the job with its message and is rethrown so the caller can end the run without
 * retries.
 */
export async function runApplyJob(data: {
  jobId: string;
  userId: string;
  fileId: string;
  chain: Chain;
  output: OutputOptions;
}): Promise<{ status: "succeeded"; fileId: string } | { status: "cancelled" }> {
  if (!(await startJob(data.jobId, { phase: "Loading", progress: 0 }))) {
    return { status: "cancelled" };
  }
  try {
    const result = await processImage({
      ownerId: data.userId,
      fileId: data.fileId,
      chain: data.chain,
      output: data.output,
      onPhase: (phase) => reportProgress(data.jobId, { phase, progress: PHASE_PROGRESS[phase] }),
    });
    if (!result) return { status: "cancelled" };
    await succeedJob(data.jobId, result.fileId, clip(`Saved as “${result.name}” in Image Studio`));
    return { status: "succeeded", fileId: result.fileId };
  } catch (err) {
    if (err instanceof UserFacingError) await failJob(data.jobId, err.message);
    throw err;
  }
}
