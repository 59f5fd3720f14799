import "server-only";
import { db } from "@/lib/db/client";
import { availableName, availableNameIn } from "./names";
import { lockOwnerForQuota } from "./quota";
import type { ItemRef } from "./schemas";
import { folderChain } from "./tree";

// Organising live items: rename and move. Files and folders share one namespace per folder.
// Every lookup is scoped to the owner and to live items, so a foreign, missing or trashed id
// all answer "not found".

export type OrganiseResult =
  | { ok: true; message: string }
  | { ok: false; reason: "not-found" | "name-taken" | "cycle"; message: string };

const GONE = "That item no longer exists. Reload the page to see the current contents.";

type LiveItem = { kind: "file" | "folder"; id: string; name: string; parentId: string | null };

async function findLive(ownerId: string, ref: ItemRef): Promise<LiveItem | null> {
  if (ref.kind === "file") {
    const f = await db.file.findFirst({
      where: { id: ref.id, ownerId, trashedAt: null },
      select: { id: true, name: true, folderId: true },
    });
    return f ? { kind: "file", id: f.id, name: f.name, parentId: f.folderId } : null;
  }
  const f = await db.folder.findFirst({
    where: { id: ref.id, ownerId, trashedAt: null },
    select: { id: true, name: true, parentId: true },
  });
  return f ? { kind: "folder", id: f.id, name: f.name, parentId: f.parentId } : null;
}

function exclude(item: { kind: "file" | "folder"; id: string }) {
  return item.kind === "file" ? { excludeFileId: item.id } : { excludeFolderId: item.id };
}

/**
 * Renames a live item. A name another live item of the folder already has (case-insensitive) is
 * refused with a message rather than numbered: the user typed it and should get exactly it.
 */
export async function renameItem(
  ownerId: string,
  ref: ItemRef,
  name: string,
): Promise<OrganiseResult> {
  const item = await findLive(ownerId, ref);
  if (!item) return { ok: false, reason: "not-found", message: GONE };
  if (item.name === name) return { ok: true, message: "Name unchanged." };
  if ((await availableName(ownerId, item.parentId, name, exclude(item))) !== name) {
    return {
      ok: false,
      reason: "name-taken",
      message: `An item named “${name}” already exists in this folder.`,
    };
  }
  if (item.kind === "file") {
    await db.file.updateMany({ where: { id: item.id, ownerId }, data: { name } });
  } else {
    await db.folder.updateMany({ where: { id: item.id, ownerId }, data: { name } });
  }
  return { ok: true, message: `Renamed to “${name}”.` };
}

class MoveRefused extends Error {
  constructor(readonly result: OrganiseResult & { ok: false }) {
    super(result.message);
  }
}

// A missing or trashed target, or a folder moved into itself or one of its own subfolders.
function moveRefusal(
  items: readonly LiveItem[],
  targetId: string | null,
  targetChain: readonly { id: string; trashed: boolean }[],
): (OrganiseResult & { ok: false }) | null {
  if (targetId !== null && (targetChain.length === 0 || targetChain.some((c) => c.trashed)))
    return { ok: false, reason: "not-found", message: "The destination folder no longer exists." };
  const inside = items.find((i) => i.kind === "folder" && targetChain.some((c) => c.id === i.id));
  if (inside)
    return {
      ok: false,
      reason: "cycle",
      message: `“${inside.name}” cannot be moved into itself or one of its subfolders.`,
    };
  return null;
}

/**
 * Moves live items into `targetId` (null = the root). All or nothing: a missing item, a missing
 * target, or a folder moved into itself or one of its own subfolders refuses the whole move.
 * Items already there stay untouched; a name taken in the target is numbered ("a (1).txt").
 */
export async function moveItems(
  ownerId: string,
  refs: readonly ItemRef[],
  targetId: string | null,
): Promise<OrganiseResult> {
  const items: LiveItem[] = [];
  for (const ref of refs) {
    const item = await findLive(ownerId, ref);
    if (!item) return { ok: false, reason: "not-found", message: GONE };
    items.push(item);
  }

  const renamed: string[] = [];
  let moved = 0;
  let targetChain: Awaited<ReturnType<typeof folderChain>> = [];
  try {
    await db.$transaction(async (tx) => {
      // The owner's lock first (before any read takes the snapshot), then the target's chain:
      // two moves A→B and B→A at once each passed a cycle check made before the other
      // committed, and both folders left the tree while still counting against the quota.
      await lockOwnerForQuota(tx, ownerId);
      targetChain = await folderChain(ownerId, targetId, tx);
      const refusal = moveRefusal(items, targetId, targetChain);
      if (refusal) throw new MoveRefused(refusal);
      for (const item of items) {
        if (item.parentId === targetId) continue;
        const name = await availableNameIn(tx, ownerId, targetId, item.name, exclude(item));
        if (name !== item.name) renamed.push(`“${item.name}” is now “${name}”`);
        // trashedAt: null re-checks liveness inside the transaction (a concurrent trash wins).
        const where = { id: item.id, ownerId, trashedAt: null };
        const { count } =
          item.kind === "file"
            ? await tx.file.updateMany({ where, data: { folderId: targetId, name } })
            : await tx.folder.updateMany({ where, data: { parentId: targetId, name } });
        moved += count;
      }
    });
  } catch (error) {
    if (error instanceof MoveRefused) return error.result;
    throw error;
  }

  const where = targetId === null ? "My Drive" : `“${targetChain.at(-1)?.name ?? ""}”`;
  const what = moved === 1 ? "1 item" : `${moved} items`;
  const note = renamed.length > 0 ? ` ${renamed.join("; ")} (the name was taken).` : "";
  return { ok: true, message: `Moved ${what} to ${where}.${note}` };
}
