import "server-only";
import { db } from "@/lib/db/client";
import { downloadHref, zipHref } from "@/lib/drive/hrefs";
import type { EmailMessage } from "@/lib/email/schemas";
import { formatBytes } from "@/lib/format/numbers";
import { serverEnv } from "@/lib/env";
import { getMapReduceJobForRun } from "./store";

// The e-mail a job's owner gets when it ends: links into the app, or why the job failed.
//
// No bearer links: a presigned URL in a mail works for anyone who gets the mail, for 7 days, even
// after the file was trashed or the password changed. Like GitHub's and Google Takeout's
// notifications, the mail points into the app instead — the results' download (the Drive's zip
// or file route) and the job's page — which needs the owner's session and serves only files still
// live in their Drive.

function appUrl(path: string): string {
  const base = serverEnv().NEXTAUTH_URL ?? "http://localhost:3000";
  return new URL(path, base).toString();
}

async function owner(ownerId: string) {
  return db.user.findUnique({ where: { id: ownerId }, select: { email: true, name: true } });
}

/** The signed-in download of a job's outputs: the one file, or all of them as one zip. */
export function resultsDownloadPath(fileIds: readonly string[]): string | null {
  const [first] = fileIds;
  if (!first) return null;
  return fileIds.length === 1 ? downloadHref(first) : zipHref(fileIds, []);
}

export async function successEmail(ownerId: string, jobId: string): Promise<EmailMessage | null> {
  const [user, job] = await Promise.all([owner(ownerId), getMapReduceJobForRun(jobId)]);
  if (!user || !job) return null;
  const outputs = job.outputs ?? [];
  const download = resultsDownloadPath(outputs.map((o) => o.fileId));
  const bytes = outputs.reduce((n, o) => n + o.bytes, 0);
  const records = outputs.reduce((n, o) => n + o.records, 0);
  const files = outputs.length === 1 ? "1 file" : `${outputs.length} files (zipped)`;
  const lines = [
    `Hello ${user.name},`,
    "",
    `Your MapReduce job “${job.recipe.name}” finished: ${records.toLocaleString("en")} records, ${formatBytes(bytes)} in ${files}.`,
    "",
    download
      ? `Download the results (sign in to Stratus first):\n${appUrl(download)}`
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
