import "server-only";
import { liveFile, liveFolder } from "@/lib/drive/access";
import { storeServerFile } from "@/lib/drive/server-files";
import { formatBytes } from "@/lib/format/numbers";
import { UserFacingError } from "@/lib/server/errors";
import { getRange, putObject } from "@/lib/storage/objects";
import { DRY_RUN_INPUT_BYTES } from "./dry-run";

// Programs written in the job form's editor: opened from the Drive as text, and saved back to the
// Drive as ordinary files (so a job runs them exactly as it runs uploaded ones).

/** The largest program the editor opens or saves. */
export const MAX_PROGRAM_BYTES = 256 * 1024;

export class ProgramFileError extends UserFacingError {}

const GONE = "This file is no longer in your Drive (or is in the trash).";

/** A program of the owner's Drive as text, for the editor. */
export async function readProgram(ownerId: string, fileId: string) {
  const file = await liveFile(ownerId, fileId);
  if (!file) throw new ProgramFileError(GONE);
  if (file.size > MAX_PROGRAM_BYTES) {
    throw new ProgramFileError(
      `“${file.name}” is ${formatBytes(file.size)}; the editor opens programs up to ${formatBytes(MAX_PROGRAM_BYTES)}.`,
    );
  }
  const bytes = await getRange(file.storageKey, MAX_PROGRAM_BYTES);
  if (!bytes) throw new ProgramFileError(GONE);
  const source = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (source.includes("\u0000")) {
    throw new ProgramFileError(`“${file.name}” is not a text file.`);
  }
  return { id: file.id, name: file.name, source, folderId: file.folderId };
}

/** The first bytes of an input file, for a dry run. */
export async function readInputHead(ownerId: string, fileId: string) {
  const file = await liveFile(ownerId, fileId);
  if (!file) throw new ProgramFileError(GONE);
  const bytes = await getRange(file.storageKey, DRY_RUN_INPUT_BYTES);
  if (!bytes) throw new ProgramFileError(GONE);
  return {
    name: file.name,
    text: new TextDecoder("utf-8", { fatal: false }).decode(bytes),
    complete: file.size <= DRY_RUN_INPUT_BYTES,
  };
}

const TEXT = "text/plain; charset=utf-8";

/** Saves the editor's text as a new Drive file in `folderId` (null: the top of My Drive). */
export async function saveProgram(
  ownerId: string,
  program: { name: string; source: string; folderId: string | null },
) {
  if (program.folderId && !(await liveFolder(ownerId, program.folderId))) {
    throw new ProgramFileError("That folder is no longer in your Drive (or is in the trash).");
  }
  const body = new TextEncoder().encode(program.source);
  const stored = await storeServerFile(
    ownerId,
    program.folderId,
    {
      desiredName: program.name,
      size: body.length,
      contentType: TEXT,
      put: (key) => putObject(key, body, TEXT),
    },
    (name, size, left) =>
      new ProgramFileError(
        `Not enough space in your Drive to save “${name}” (${formatBytes(size)}): ${formatBytes(left)} left.`,
      ),
  );
  return { id: stored.id, name: stored.name, size: body.length, folderId: program.folderId };
}
