import "server-only";
import { liveFile } from "@/lib/drive/access";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import type { GetStepTools } from "inngest";
import type { inngest } from "@/lib/events/client";
import { formatBytes } from "@/lib/format/numbers";
import { reportProgress } from "@/lib/jobs/jobs";
import { logger } from "@/lib/log/logger";
import { isUserFacing } from "@/lib/server/errors";
import { createStorageClient } from "@/lib/storage/client";
import { getObjectStream } from "@/lib/storage/objects";
import { mapReduceConfig } from "../config";
import { jobDirOf, JobRunError, safeName } from "../execute";
import { jobPaths } from "../plan";
import { getMapReduceJobForRun, recordEmr } from "../store";
import { emrConfig, emrJobUris, type EmrConfig } from "./config";
import { buildStreamingStep, emrPrograms } from "./step";
import {
  cancelEmrStep,
  createEmrClient,
  pollEmrStep,
  submitEmrJob,
  type EmrStepStatus,
  type EmrSubmission,
} from "./runner";

// A job on Amazon EMR, as steps of the job's function: stage the programs and inputs under
// EMR_S3_PREFIX, submit the streaming step, poll it (sleeping between polls, so no worker is
// held), then copy the part files into the job directory, where the local path's "store results"
// step picks them up. EMR_S3_ENDPOINT points the S3 side at another store (tests: the local one).

type Step = GetStepTools<typeof inngest>;

function configOrFail(): EmrConfig {
  const config = emrConfig();
  if (!config) throw new JobRunError("Amazon EMR is not configured on this server.");
  return config;
}

function emrS3(config: EmrConfig) {
  const endpoint = mapReduceConfig().emrS3Endpoint;
  return createStorageClient({
    endpoint,
    publicEndpoint: undefined,
    bucket: "",
    region: config.region,
    credentials: config.credentials,
    forcePathStyle: endpoint !== undefined,
    presignTtlSeconds: 900,
    embedded: endpoint !== undefined,
  });
}

function splitUri(uri: string) {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3 URI: ${uri}`);
  return { bucket: m[1]!, key: m[2]! };
}

async function putStream(
  config: EmrConfig,
  uri: string,
  body: Readable | Uint8Array,
  length: number,
) {
  const { bucket, key } = splitUri(uri);
  await emrS3(config).send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: length }),
  );
}

/** Copies the programs and inputs to S3 and submits the step; returns what polling needs. */
async function stageAndSubmit(jobId: string, ownerId: string): Promise<EmrSubmission> {
  const config = configOrFail();
  const job = await getMapReduceJobForRun(jobId);
  if (!job || job.ownerId !== ownerId) throw new JobRunError("This job no longer exists.");
  const { recipe } = job;
  const uris = emrJobUris(config, jobId);
  const programs = emrPrograms(recipe.spec, recipe.options);

  const programUris: Record<string, string> = {};
  for (const file of programs.files) {
    const uri = uris.program(file.name);
    if (file.source === "builtin") {
      const { size } = await stat(file.path);
      await putStream(config, uri, createReadStream(file.path), size);
    } else {
      const ref = [recipe.programs.mapper, recipe.programs.reducer, recipe.programs.combiner].find(
        (p) => p?.name === file.name,
      );
      await copyDriveFile(config, ownerId, ref ?? null, file.name, uri);
    }
    programUris[file.name] = uri;
  }
  const inputUris: string[] = [];
  for (const [i, input] of recipe.inputs.entries()) {
    const uri = `${uris.input}${String(i).padStart(4, "0")}-${safeName(input.name)}`;
    await copyDriveFile(config, ownerId, input, input.name, uri);
    inputUris.push(uri);
  }
  const step = buildStreamingStep({
    jobId,
    job: recipe.spec,
    options: recipe.options,
    programUris,
    inputUris,
    outputUri: uris.output,
  });
  const submission = await submitEmrJob(createEmrClient(config), config, { jobId, step });
  await recordEmr(jobId, submission);
  return submission;
}

async function copyDriveFile(
  config: EmrConfig,
  ownerId: string,
  ref: { fileId: string } | null,
  name: string,
  uri: string,
) {
  const file = ref ? await liveFile(ownerId, ref.fileId) : null;
  const object = file ? await getObjectStream(file.storageKey) : null;
  if (!file || !object) {
    throw new JobRunError(`“${name}” is no longer in your Drive (or is in the trash).`);
  }
  await putStream(config, uri, Readable.fromWeb(object.body as never), file.size);
}

/** Hadoop's part files: part-00000 … (one per reducer, or per map task of a map-only job). */
const PART_FILE = /^part-(\d{5})$/;

/**
 * The local file name of a listed key when it is one of the job's part files: directly under the
 * job's output prefix, named part-NNNNN, NNNNN below the job's reducers (null: a map-only job's
 * count is the cluster's). Anything else (a "../" key, a subfolder, an extra part) is null.
 */
export function partFileOf(prefix: string, key: string, expectedParts: number | null) {
  if (!prefix.endsWith("/") || !key.startsWith(prefix)) return null;
  const name = key.slice(prefix.length);
  const index = PART_FILE.exec(name)?.[1];
  if (index === undefined) return null;
  if (expectedParts !== null && Number(index) >= expectedParts) return null;
  return name;
}

/**
 * Downloads the step's part files into the job directory's output folder. The cluster's role can
 * write anywhere under EMR_S3_PREFIX, so what is there is checked: only keys under this job's own
 * output prefix named like a part file of this job (no more parts than it has reducers) are
 * taken; anything else is left alone and logged. Together they may hold no more than one job may
 * write locally (MAPREDUCE_JOB_OUTPUT_BYTES), checked on the listing and again while streaming.
 */
async function collectOutput(jobId: string): Promise<number> {
  const config = configOrFail();
  const job = await getMapReduceJobForRun(jobId);
  if (!job) throw new JobRunError("This job no longer exists.");
  const programs = emrPrograms(job.recipe.spec, job.recipe.options);
  // Map-only jobs have one part per map task, a number only the cluster knows.
  const expectedParts = programs.reducer === null ? null : job.recipe.options.reducers;
  const limit = mapReduceConfig().jobOutputBytes;
  const tooBig = (bytes: number) =>
    new JobRunError(
      `The EMR step's results are larger than ${formatBytes(limit)} (${bytes > limit ? formatBytes(bytes) : "more"}), the most one job may produce. Nothing was saved.`,
    );
  const { bucket, key: prefix } = splitUri(emrJobUris(config, jobId).output);
  const out = jobPaths(jobDirOf(jobId)).output;
  await rm(jobDirOf(jobId), { recursive: true, force: true });
  await mkdir(out, { recursive: true, mode: 0o700 });
  const s3 = emrS3(config);
  const parts: { key: string; name: string }[] = [];
  const ignored: string[] = [];
  let listed = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? "";
      const name = partFileOf(prefix, key, expectedParts);
      if (name === null) {
        // Hadoop's _SUCCESS, or something this job's step did not write.
        if (key !== `${prefix}_SUCCESS`) ignored.push(key);
        continue;
      }
      listed += object.Size ?? 0;
      if (listed > limit) throw tooBig(listed);
      parts.push({ key, name });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  if (ignored.length > 0) {
    logger.warn("mapreduce: EMR output keys ignored", {
      jobId,
      keys: ignored.slice(0, 20),
      count: ignored.length,
    });
  }
  let written = 0;
  try {
    for (const part of parts) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: part.key }));
      // An object replaced after the listing is held to the same bound.
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          written += chunk.length;
          done(written > limit ? tooBig(written) : null, chunk);
        },
      });
      await pipeline(
        got.Body as Readable,
        count,
        createWriteStream(join(out, part.name), { mode: 0o600 }),
      );
    }
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    throw error;
  }
  return parts.length;
}

const POLL_SECONDS = () => mapReduceConfig().emrPollSeconds;

export type EmrOutcome =
  { status: "succeeded" } | { status: "cancelled" } | { status: "failed"; cause: string };

/**
 * Deletes the job's files under EMR_S3_PREFIX (staged programs and inputs, the step's output):
 * copies of Drive files outside the owner's quota, kept no longer than the job runs.
 */
export async function removeEmrJobFiles(jobId: string): Promise<number> {
  const config = emrConfig();
  if (!config) return 0;
  const { bucket, key: prefix } = splitUri(`${config.s3Prefix}/jobs/${jobId}/`);
  const s3 = emrS3(config);
  let removed = 0;
  for (;;) {
    // Deleted keys leave the listing, so the first page is always the next one.
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 }),
    );
    const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) return removed;
    await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }),
    );
    removed += keys.length;
  }
}

/** The EMR part of the job's function; on success the part files are in the job directory. */
export async function runOnEmr(args: {
  step: Step;
  jobId: string;
  ownerId: string;
}): Promise<EmrOutcome> {
  const outcome = await submitPollCollect(args);
  await args.step.run("emr-clean-up", () => removeEmrJobFiles(args.jobId));
  return outcome;
}

async function submitPollCollect({
  step,
  jobId,
  ownerId,
}: {
  step: Step;
  jobId: string;
  ownerId: string;
}): Promise<EmrOutcome> {
  const submitted = await step.run("emr-submit", async () => {
    try {
      await reportProgress(jobId, { phase: "EMR: uploading programs and input", progress: 2 });
      return { ok: true as const, submission: await stageAndSubmit(jobId, ownerId) };
    } catch (error) {
      if (isUserFacing(error)) return { ok: false as const, cause: error.message };
      throw error;
    }
  });
  if (!submitted.ok) return { status: "failed", cause: submitted.cause };

  for (let i = 0; ; i++) {
    await step.sleep(`emr-wait-${i}`, `${POLL_SECONDS()}s`);
    const status: EmrStepStatus = await step.run(`emr-poll-${i}`, async () => {
      const s = await pollEmrStep(createEmrClient(configOrFail()), submitted.submission);
      if (!s.done)
        await reportProgress(jobId, { phase: s.phase, progress: s.state === "RUNNING" ? 50 : 5 });
      return s;
    });
    if (!status.done) continue;
    if (status.status === "succeeded") break;
    if (status.status === "cancelled") return { status: "cancelled" };
    const log = status.failure?.logFile
      ? `\n\nEMR's log of the step: ${status.failure.logFile}`
      : "";
    return { status: "failed", cause: `${status.failure?.reason ?? "The EMR step failed."}${log}` };
  }
  const collected = await step.run("emr-collect", async () => {
    await reportProgress(jobId, { phase: "EMR: reading the results", progress: 95 });
    try {
      return { ok: true as const, parts: await collectOutput(jobId) };
    } catch (error) {
      if (isUserFacing(error)) return { ok: false as const, cause: error.message };
      throw error;
    }
  });
  if (!collected.ok) return { status: "failed", cause: collected.cause };
  if (collected.parts === 0) {
    return { status: "failed", cause: "The EMR step finished without part files." };
  }
  return { status: "succeeded" };
}

/**
 * From the cancel handler: stops the job's EMR step (and its transient cluster) if it has one,
 * then removes the job's files (the run was stopped before its own clean-up step).
 */
export async function cancelEmrJob(jobId: string): Promise<boolean> {
  const config = emrConfig();
  const job = await getMapReduceJobForRun(jobId);
  if (!config || !job) return false;
  let cancelled = false;
  if (job.emr) {
    const submission = JSON.parse(job.emr) as EmrSubmission;
    cancelled = (await cancelEmrStep(createEmrClient(config), submission)).cancelled;
  }
  await removeEmrJobFiles(jobId);
  return cancelled;
}
