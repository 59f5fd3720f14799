import "server-only";
import { liveFile } from "@/lib/drive/access";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { GetStepTools } from "inngest";
import type { inngest } from "@/lib/events/client";
import { reportProgress } from "@/lib/jobs/jobs";
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

/** Downloads the step's part files into the job directory's output folder. */
async function collectOutput(jobId: string): Promise<number> {
  const config = configOrFail();
  const { bucket, key: prefix } = splitUri(emrJobUris(config, jobId).output);
  const out = jobPaths(jobDirOf(jobId)).output;
  await rm(jobDirOf(jobId), { recursive: true, force: true });
  await mkdir(out, { recursive: true, mode: 0o700 });
  const s3 = emrS3(config);
  let token: string | undefined;
  let parts = 0;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const name = object.Key?.slice(prefix.length) ?? "";
      if (!/^part-\d{5}$/.test(name)) continue;
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      await pipeline(got.Body as Readable, createWriteStream(join(out, name), { mode: 0o600 }));
      parts++;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return parts;
}

const POLL_SECONDS = () => mapReduceConfig().emrPollSeconds;

export type EmrOutcome =
  { status: "succeeded" } | { status: "cancelled" } | { status: "failed"; cause: string };

/** The EMR part of the job's function; on success the part files are in the job directory. */
export async function runOnEmr({
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
  const parts = await step.run("emr-collect", async () => {
    await reportProgress(jobId, { phase: "EMR: reading the results", progress: 95 });
    return collectOutput(jobId);
  });
  if (parts === 0) return { status: "failed", cause: "The EMR step finished without part files." };
  return { status: "succeeded" };
}

/** From the cancel handler: stops the job's EMR step (and its transient cluster) if it has one. */
export async function cancelEmrJob(jobId: string): Promise<boolean> {
  const config = emrConfig();
  const job = await getMapReduceJobForRun(jobId);
  if (!config || !job?.emr) return false;
  const submission = JSON.parse(job.emr) as EmrSubmission;
  const r = await cancelEmrStep(createEmrClient(config), submission);
  return r.cancelled;
}
