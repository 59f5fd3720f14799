import "server-only";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { JobId, JobKind, JobProgress, JobResultRef } from "./schemas";

// The Job rows the UI reads. Owners see only their own jobs; functions move them through
// queued → running → succeeded | failed, and a user may cancel one that has not finished.
// Every transition is a conditional update, so a late step of a cancelled run (or a retried
// step) cannot reopen a finished job.

/** The Job fields every reader of jobs selects (the UI's JobView). */
export const jobSelect = {
  id: true,
  kind: true,
  status: true,
  phase: true,
  progress: true,
  error: true,
  resultRef: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
} as const;

const ACTIVE = { in: ["queued", "running"] as ("queued" | "running")[] };
const MAX_ERROR = 2000;

export async function createJob(ownerId: string, kind: string, client: Tx = db) {
  return client.job.create({ data: { ownerId, kind: JobKind.parse(kind) }, select: jobSelect });
}

export async function listJobs(ownerId: string, limit = 50) {
  return db.job.findMany({
    where: { ownerId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(1, limit), 200),
    select: jobSelect,
  });
}

export async function getJob(ownerId: string, jobId: string) {
  const id = JobId.safeParse(jobId);
  if (!id.success) return null;
  return db.job.findFirst({ where: { id: id.data, ownerId }, select: jobSelect });
}

export type Job = NonNullable<Awaited<ReturnType<typeof getJob>>>;

/** From a function's first step. False when the job was cancelled (or finished) meanwhile. */
export async function startJob(jobId: string, progress: JobProgress = {}): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: JobId.parse(jobId), status: ACTIVE },
    data: { status: "running", startedAt: new Date(), ...JobProgress.parse(progress) },
  });
  return count === 1;
}

export async function reportProgress(jobId: string, progress: JobProgress): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: JobId.parse(jobId), status: ACTIVE },
    data: JobProgress.parse(progress),
  });
  return count === 1;
}

/** `summary`, when given, replaces the phase: what the owner reads next to the finished job. */
export async function succeedJob(
  jobId: string,
  resultRef?: string,
  summary?: string,
): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: JobId.parse(jobId), status: ACTIVE },
    data: {
      status: "succeeded",
      progress: 100,
      ...(summary === undefined ? {} : JobProgress.pick({ phase: true }).parse({ phase: summary })),
      finishedAt: new Date(),
      resultRef: resultRef === undefined ? null : JobResultRef.parse(resultRef),
    },
  });
  return count === 1;
}

/** From an onFailure handler (or a step that gives up): the message is shown to the owner. */
export async function failJob(jobId: string, message: string): Promise<boolean> {
  const { count } = await db.job.updateMany({
    where: { id: JobId.parse(jobId), status: ACTIVE },
    data: { status: "failed", finishedAt: new Date(), error: message.slice(0, MAX_ERROR) },
  });
  return count === 1;
}

/** Marks the owner's job cancelled; false if it is not theirs or already finished. */
export async function markJobCancelled(ownerId: string, jobId: string): Promise<boolean> {
  const id = JobId.safeParse(jobId);
  if (!id.success) return false;
  const { count } = await db.job.updateMany({
    where: { id: id.data, ownerId, status: ACTIVE },
    data: { status: "cancelled", finishedAt: new Date() },
  });
  return count === 1;
}

/** The owner's unfinished job of this kind, if any: some jobs make no sense twice at once. */
export async function findActiveJob(ownerId: string, kind: string) {
  return db.job.findFirst({
    where: { ownerId, kind: JobKind.parse(kind), status: ACTIVE },
    orderBy: { createdAt: "desc" },
    select: jobSelect,
  });
}

/** How many of the owner's jobs of this kind (or kinds) are queued or running (fair share). */
export async function countActiveJobs(ownerId: string, kind: string | string[]): Promise<number> {
  const kinds = (Array.isArray(kind) ? kind : [kind]).map((k) => JobKind.parse(k));
  return db.job.count({ where: { ownerId, kind: { in: kinds }, status: ACTIVE } });
}

type Tx = Prisma.TransactionClient | typeof db;

/**
 * Records a job with `create` (inside one transaction, with the client it is given) unless the
 * owner already has `limit` active jobs of these kinds. The owner's row is locked first, as for
 * the Drive's quota: requests that race are decided one after the other, so exactly the limit
 * gets through. Answers how many were active when it refuses.
 */
export async function createJobWithinLimit<J>(
  ownerId: string,
  kinds: string[],
  limit: number,
  create: (tx: Tx) => Promise<J>,
): Promise<{ ok: true; job: J } | { ok: false; active: number }> {
  const kind = { in: kinds.map((k) => JobKind.parse(k)) };
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM \`User\` WHERE id = ${ownerId} FOR UPDATE`;
      const active = await tx.job.count({ where: { ownerId, kind, status: ACTIVE } });
      if (active >= limit) return { ok: false as const, active };
      return { ok: true as const, job: await create(tx) };
    },
    // A batch records up to 200 items; a loaded database may take a while to let the lock go.
    { maxWait: 30_000, timeout: 60_000 },
  );
}
