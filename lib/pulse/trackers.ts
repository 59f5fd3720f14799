import "server-only";
import { listLiveFiles, liveFile, liveFiles } from "@/lib/drive/access";
import { db } from "@/lib/db/client";
import { HttpError } from "@/lib/server/errors";
import {
  MAX_TRACKERS,
  REPLAY_SPEEDS,
  trackerIdSchema,
  type ReplaySpeed,
  type TrackerDto,
  type TrackerFormInput,
  type TrackerStatus,
} from "./schemas";
import { openReplayFile } from "./listener/replay-file";
import { encryptSecret } from "./secrets";
import { ALIASES, inspectReplay, type ReplayField } from "./sources/replay-format";
import { SCORERS, SOURCE_KINDS, type ScorerName, type SourceKind } from "./types";

// Trackers, scoped to their owner: a foreign id answers exactly like a missing one. Tokens are
// encrypted on the way in and never selected for the browser; the form learns only whether one is
// stored ("saved, leave blank to keep").

export const REPLAY_EXTENSIONS = [
  ".ndjson",
  ".jsonl",
  ".csv",
  ".ndjson.gz",
  ".jsonl.gz",
  ".csv.gz",
] as const;

const select = {
  id: true,
  name: true,
  keywords: true,
  hashtags: true,
  languages: true,
  sources: true,
  scorer: true,
  status: true,
  pausedReason: true,
  mastodonInstance: true,
  mastodonTokenEnc: true,
  xTokenEnc: true,
  replayFileId: true,
  replaySpeed: true,
  retentionDays: true,
  retentionMaxPosts: true,
  createdAt: true,
} as const;

type Row = {
  id: string;
  name: string;
  keywords: unknown;
  hashtags: unknown;
  languages: unknown;
  sources: unknown;
  scorer: string;
  status: string;
  pausedReason: string | null;
  mastodonInstance: string | null;
  mastodonTokenEnc: string | null;
  xTokenEnc: string | null;
  replayFileId: string | null;
  replaySpeed: string | null;
  retentionDays: number;
  retentionMaxPosts: number;
  createdAt: Date;
};

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

function toDto(row: Row, replayFileName: string | null): TrackerDto {
  return {
    id: row.id,
    name: row.name,
    keywords: strings(row.keywords),
    hashtags: strings(row.hashtags),
    languages: strings(row.languages),
    sources: strings(row.sources).filter((s): s is SourceKind =>
      (SOURCE_KINDS as readonly string[]).includes(s),
    ),
    scorer: (SCORERS as readonly string[]).includes(row.scorer)
      ? (row.scorer as ScorerName)
      : "model",
    status: row.status === "active" ? "active" : "paused",
    pausedReason: row.status === "active" ? null : row.pausedReason,
    mastodonInstance: row.mastodonInstance,
    hasMastodonToken: row.mastodonTokenEnc !== null,
    hasXToken: row.xTokenEnc !== null,
    replayFileId: row.replayFileId,
    replayFileName,
    replaySpeed: (REPLAY_SPEEDS as readonly string[]).includes(row.replaySpeed ?? "")
      ? (row.replaySpeed as ReplaySpeed)
      : "1",
    retentionDays: row.retentionDays,
    retentionMaxPosts: row.retentionMaxPosts,
    createdAt: row.createdAt.toISOString(),
  };
}

async function fileNames(ownerId: string, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = ids.filter((id): id is string => id !== null);
  if (wanted.length === 0) return new Map();
  const files = await liveFiles(ownerId, wanted);
  return new Map([...files.values()].map((f) => [f.id, f.name]));
}

export async function listTrackers(ownerId: string): Promise<TrackerDto[]> {
  const rows = await db.pulseTracker.findMany({
    where: { ownerId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: MAX_TRACKERS,
    select,
  });
  const names = await fileNames(
    ownerId,
    rows.map((r) => r.replayFileId),
  );
  return rows.map((r) => toDto(r, r.replayFileId ? (names.get(r.replayFileId) ?? null) : null));
}

export async function getTracker(ownerId: string, id: string): Promise<TrackerDto | null> {
  const parsed = trackerIdSchema.safeParse(id);
  if (!parsed.success) return null;
  const row = await db.pulseTracker.findFirst({ where: { id: parsed.data, ownerId }, select });
  if (!row) return null;
  const names = await fileNames(ownerId, [row.replayFileId]);
  return toDto(row, row.replayFileId ? (names.get(row.replayFileId) ?? null) : null);
}

/** True when the tracker exists and belongs to the owner: the check every route starts with. */
export async function ownsTracker(ownerId: string, id: string): Promise<boolean> {
  const parsed = trackerIdSchema.safeParse(id);
  if (!parsed.success) return false;
  return (await db.pulseTracker.count({ where: { id: parsed.data, ownerId } })) === 1;
}

export const TRACKER_NOT_FOUND = "This tracker does not exist.";

/** For the tracker's routes: a 404 unless the tracker is the owner's. */
export async function assertOwnsTracker(ownerId: string, id: string): Promise<void> {
  if (!(await ownsTracker(ownerId, id))) throw new HttpError(404, TRACKER_NOT_FOUND);
}

/** Drive files a replay tracker can play: the owner's live NDJSON/CSV files. */
export async function listReplayFiles(ownerId: string): Promise<{ id: string; name: string }[]> {
  const files = await listLiveFiles(
    ownerId,
    { nameEndsWith: REPLAY_EXTENSIONS },
    { order: "newest", take: 200 },
  );
  return files.map(({ id, name }) => ({ id, name }));
}

/** What was read from a replay file that has no posts: its columns and first rows. */
export type ReplaySample = { columns: string[]; rows: string[] };

export type TrackerResult =
  | { ok: true; id: string }
  | {
      ok: false;
      message: string;
      errors?: Record<string, string[]>;
      replaySample?: ReplaySample;
    };

type FileProblem = { message: string; replaySample?: ReplaySample };

const FIELD_NAMES: Record<ReplayField, string> = {
  text: "a text column",
  time: "a time column",
};

function aliasList(field: ReplayField): string {
  // "createdat" is only there for headers written "CreatedAt"; created_at says it.
  const [first, ...rest] = ALIASES[field].filter((a) => a !== "createdat");
  return `${first} (or ${rest.join(", ")})`;
}

// Reads the first rows of the file now, so a file without posts (a sales CSV, a wrong export)
// is refused with its reason instead of replaying nothing for ever.
async function checkReplayContent(
  ownerId: string,
  file: { id: string; name: string },
): Promise<FileProblem | null> {
  const stop = new AbortController();
  try {
    const chunks = await openReplayFile(ownerId, file.id, stop.signal);
    if (!chunks) return { message: "That file is not in your Drive any more. Pick another." };
    const seen = await inspectReplay(chunks);
    const replaySample = { columns: seen.columns, rows: seen.sample };
    const name = `“${file.name}”`;
    if (seen.rowsRead === 0) return { message: `${name} has no rows to replay.`, replaySample };
    if (seen.missing.length > 0) {
      const lacks = seen.missing.map((f) => FIELD_NAMES[f]).join(" and ");
      const wants = seen.missing.map((f) => aliasList(f)).join(" and ");
      return {
        message: `${name} has no posts to replay: it lacks ${lacks}. Each row needs ${wants}.`,
        replaySample,
      };
    }
    if (seen.usable === 0)
      return {
        message: `None of the first ${seen.rowsRead} rows of ${name} has both text and a readable time (ISO 8601 such as 2026-11-26T10:00:00Z, or epoch seconds).`,
        replaySample,
      };
    return null;
  } catch {
    return {
      message: `“${file.name}” could not be read as ${file.name.toLowerCase().endsWith(".gz") ? "gzipped " : ""}NDJSON or CSV.`,
    };
  } finally {
    stop.abort();
  }
}

async function checkReplayFile(
  ownerId: string,
  input: TrackerFormInput,
): Promise<FileProblem | null> {
  if (!input.sources.includes("replay") || !input.replayFileId) return null;
  const file = await liveFile(ownerId, input.replayFileId);
  if (!file) return { message: "That file is not in your Drive any more. Pick another." };
  const lower = file.name.toLowerCase();
  if (!REPLAY_EXTENSIONS.some((ext) => lower.endsWith(ext)))
    return {
      message: "Replay plays NDJSON (.ndjson, .jsonl) or CSV files, or the same gzipped (.gz).",
    };
  return checkReplayContent(ownerId, file);
}

function columns(input: TrackerFormInput) {
  const uses = (s: SourceKind) => input.sources.includes(s);
  return {
    name: input.name,
    keywords: input.keywords,
    hashtags: input.hashtags,
    languages: input.languages,
    sources: input.sources,
    scorer: input.scorer,
    mastodonInstance: uses("mastodon") ? (input.mastodonInstance ?? null) : null,
    replayFileId: uses("replay") ? (input.replayFileId ?? null) : null,
    replaySpeed: uses("replay") ? input.replaySpeed : null,
    retentionDays: input.retentionDays,
    retentionMaxPosts: input.retentionMaxPosts,
  };
}

// Every problem the database and the file reveal, at once (the schema already said its own).
function refusedTogether(
  fileProblem: FileProblem | null,
  missingToken: { mastodon: boolean; x: boolean },
): TrackerResult | null {
  const errors: Record<string, string[]> = {};
  if (fileProblem) errors.replayFileId = [fileProblem.message];
  if (missingToken.mastodon) errors.mastodonToken = ["Mastodon needs an access token"];
  if (missingToken.x) errors.xToken = ["X needs a bearer token"];
  const messages = Object.values(errors).flat();
  if (messages.length === 0) return null;
  return {
    ok: false,
    message: messages.length === 1 ? messages[0]! : "Please correct the fields below.",
    errors,
    ...(fileProblem?.replaySample ? { replaySample: fileProblem.replaySample } : {}),
  };
}

export async function createTracker(
  ownerId: string,
  input: TrackerFormInput,
): Promise<TrackerResult> {
  if ((await db.pulseTracker.count({ where: { ownerId } })) >= MAX_TRACKERS)
    return { ok: false, message: `You can have at most ${MAX_TRACKERS} trackers.` };
  const refusal = refusedTogether(await checkReplayFile(ownerId, input), {
    mastodon: input.sources.includes("mastodon") && !input.mastodonToken,
    x: input.sources.includes("x") && !input.xToken,
  });
  if (refusal) return refusal;
  const row = await db.pulseTracker.create({
    data: {
      ownerId,
      ...columns(input),
      status: "active",
      mastodonTokenEnc:
        input.sources.includes("mastodon") && input.mastodonToken
          ? encryptSecret(input.mastodonToken)
          : null,
      xTokenEnc: input.sources.includes("x") && input.xToken ? encryptSecret(input.xToken) : null,
    },
    select: { id: true },
  });
  return { ok: true, id: row.id };
}

export async function updateTracker(
  ownerId: string,
  id: string,
  input: TrackerFormInput,
): Promise<TrackerResult> {
  const parsed = trackerIdSchema.safeParse(id);
  const current = parsed.success
    ? await db.pulseTracker.findFirst({
        where: { id: parsed.data, ownerId },
        select: { id: true, mastodonTokenEnc: true, xTokenEnc: true, replayFileId: true },
      })
    : null;
  if (!current) return { ok: false, message: "That tracker no longer exists." };
  const fileProblem = await checkReplayFile(ownerId, input);
  const uses = (s: SourceKind) => input.sources.includes(s);
  // A blank token field keeps the stored token; a source that is switched off forgets it.
  const mastodonTokenEnc = !uses("mastodon")
    ? null
    : input.mastodonToken
      ? encryptSecret(input.mastodonToken)
      : current.mastodonTokenEnc;
  const xTokenEnc = !uses("x")
    ? null
    : input.xToken
      ? encryptSecret(input.xToken)
      : current.xTokenEnc;
  const refusal = refusedTogether(fileProblem, {
    mastodon: uses("mastodon") && !mastodonTokenEnc,
    x: uses("x") && !xTokenEnc,
  });
  if (refusal) return refusal;
  const data = columns(input);
  await db.$transaction([
    db.pulseTracker.update({
      where: { id: current.id },
      data: { ...data, mastodonTokenEnc, xTokenEnc },
    }),
    // Another file (or no replay at all) starts from the first row next time, with nothing
    // said about the old one.
    ...(data.replayFileId !== current.replayFileId
      ? [
          db.pulseCursor.deleteMany({ where: { key: `replay:${current.id}` } }),
          db.pulseSourceState.deleteMany({ where: { trackerId: current.id } }),
        ]
      : []),
  ]);
  return { ok: true, id: current.id };
}

export async function setTrackerStatus(
  ownerId: string,
  id: string,
  status: TrackerStatus,
): Promise<boolean> {
  const parsed = trackerIdSchema.safeParse(id);
  if (!parsed.success) return false;
  const { count } = await db.pulseTracker.updateMany({
    where: { id: parsed.data, ownerId },
    // The owner decides now: Pulse no longer resumes (or keeps) it for a cap (caps.ts).
    data: { status, pausedReason: null },
  });
  return count === 1;
}

export async function deleteTracker(ownerId: string, id: string): Promise<boolean> {
  const parsed = trackerIdSchema.safeParse(id);
  if (!parsed.success) return false;
  const { count } = await db.pulseTracker.deleteMany({ where: { id: parsed.data, ownerId } });
  if (count === 1) {
    // Posts and aggregates cascade; the listener's resume points name the tracker in their key.
    await db.pulseCursor.deleteMany({
      where: { key: { in: ["mastodon", "x", "replay"].map((s) => `${s}:${parsed.data}`) } },
    });
  }
  return count === 1;
}

/**
 * Where a tracker's replay is, for the dashboard: the row reached (`cursor`: a row number, "done"
 * or null before the first row) and what the listener last said (an error it is retrying after,
 * or what the file held). Null when the tracker is not the owner's.
 */
export type ReplayProgress = {
  cursor: string | null;
  state: "error" | "done" | null;
  message: string | null;
};

export async function replayProgress(ownerId: string, id: string): Promise<ReplayProgress | null> {
  if (!(await ownsTracker(ownerId, id))) return null;
  const [cursor, note] = await Promise.all([
    db.pulseCursor.findUnique({ where: { key: `replay:${id}` } }),
    db.pulseSourceState.findUnique({
      where: { trackerId_source: { trackerId: id, source: "replay" } },
    }),
  ]);
  const state = note?.state === "error" || note?.state === "done" ? note.state : null;
  return { cursor: cursor?.cursor ?? null, state, message: state ? note!.message : null };
}
