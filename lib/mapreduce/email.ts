import "server-only";
import { ownedFile } from "@/lib/drive/access";
import { db } from "@/lib/db/client";
import type { EmailMessage } from "@/lib/email/schemas";
import { formatBytes } from "@/lib/format/numbers";
import { serverEnv } from "@/lib/env";
import { presignGet } from "@/lib/storage/presign";
import { getMapReduceJobForRun } from "./store";

// The e-mail a job's owner gets when it ends: a download link that works for 7 days (the longest
// a SigV4 presigned URL can live) without signing in, or why the job failed.

export const LINK_TTL_SECONDS = 7 * 24 * 3600;

function appUrl(path: string): string {
  const base = serverEnv().NEXTAUTH_URL ?? "http://localhost:3000";
  return new URL(path, base).toString();
}

async function owner(ownerId: string) {
  return db.user.findUnique({ where: { id: ownerId }, select: { email: true, name: true } });
}

async function downloadLink(ownerId: string, jobId: string) {
  const job = await getMapReduceJobForRun(jobId);
  const outputs = job?.outputs ?? [];
  if (job?.zipKey) {
    return presignGet(ownerId, {
      key: job.zipKey,
      filename: `${job.recipe.name} results.zip`,
      expiresIn: LINK_TTL_SECONDS,
    });
  }
  const first = outputs[0];
  if (!first) return null;
  const file = await ownedFile(ownerId, first.fileId);
  if (!file) return null;
  return presignGet(ownerId, {
    key: file.storageKey,
    filename: file.name,
    expiresIn: LINK_TTL_SECONDS,
  });
}

export async function successEmail(ownerId: string, jobId: string): Promise<EmailMessage | null> {
  const [user, job] = await Promise.all([owner(ownerId), getMapReduceJobForRun(jobId)]);
  if (!user || !job) return null;
  const link = await downloadLink(ownerId, jobId);
  const outputs = job.outputs ?? [];
  const bytes = outputs.reduce((n, o) => n + o.bytes, 0);
  const records = outputs.reduce((n, o) => n + o.records, 0);
  const files = outputs.length === 1 ? "1 file" : `${outputs.length} files (zipped)`;
  const lines = [
    `Hello ${user.name},`,
    "",
    `Your MapReduce job “${job.recipe.name}” finished: ${records.toLocaleString("en")} records, ${formatBytes(bytes)} in ${files}.`,
    "",
    link
      ? `Download the results (the link works until ${link.expiresAt.toUTCString()}):\n${link.url}`
      : "The results are in your Drive.",
    "",
    `The job's page, with its counters and logs: ${appUrl(`/mapreduce/${jobId}`)}`,
    `The part files are also in your Drive, in the folder MapReduce.`,
  ];
  return {
    to: user.email,
    subject: `MapReduce job “${job.recipe.name}” finished`,
    text: lines.join("\n"),
  };
}

export async function failureEmail(
  ownerId: string,
  jobId: string,
  cause: string,
): Promise<EmailMessage | null> {
  const [user, job] = await Promise.all([owner(ownerId), getMapReduceJobForRun(jobId)]);
  if (!user || !job) return null;
  return {
    to: user.email,
    subject: `MapReduce job “${job.recipe.name}” failed`,
    text: [
      `Hello ${user.name},`,
      "",
      `Your MapReduce job “${job.recipe.name}” failed.`,
      "",
      cause,
      "",
      `The job's page, with each task's log: ${appUrl(`/mapreduce/${jobId}`)}`,
      "Fix the cause, then use Re-run or Clone and edit on that page.",
    ].join("\n"),
  };
}
