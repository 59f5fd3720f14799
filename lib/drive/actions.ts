"use server";

import { revalidatePath } from "next/cache";
import { currentUser, SESSION_ENDED } from "@/lib/auth/session";
import { fieldErrors, type FormState } from "@/lib/forms";
import { moveItems, renameItem } from "./files";
import { createFolder, listChildFolders } from "./folders";
import type { Crumb } from "./listing-types";
import {
  createFolderSchema,
  folderIdSchema,
  itemsSchema,
  moveSchema,
  renameSchema,
} from "./schemas";
import { startEmptyTrash } from "./empty-trash";
import { deleteForever, restoreItems, trashItems } from "./trash";
import type { DriveFolder } from "./types";

// Drive's server actions. Each parses its input, checks the session itself (an action is a public
// endpoint) and passes the signed-in user's id down, which scopes every query.

function refresh() {
  // The layout segment covers /drive and /drive/trash.
  revalidatePath("/drive", "layout");
}

/** Forms post a selection as repeated `item` fields ("file:<id>", "folder:<id>"). */
function formItems(formData: FormData) {
  return formData.getAll("item").filter((v): v is string => typeof v === "string");
}

function text(formData: FormData, name: string): string | undefined {
  const v = formData.get(name);
  return typeof v === "string" ? v : undefined;
}

export async function createFolderAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = createFolderSchema.safeParse({
    parentId: text(formData, "parentId"),
    name: text(formData, "name"),
  });
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: "Folder not created." };
  const result = await createFolder(user.id, parsed.data.parentId, parsed.data.name);
  if (!result.ok) {
    return result.reason === "name-taken"
      ? { errors: { name: [result.message] }, message: "Folder not created." }
      : { message: result.message };
  }
  refresh();
  return { ok: true, message: `Created “${result.folder.name}”.` };
}

export async function renameAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = renameSchema.safeParse({
    item: text(formData, "item"),
    name: text(formData, "name"),
  });
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: "Not renamed." };
  const result = await renameItem(user.id, parsed.data.item, parsed.data.name);
  if (!result.ok) {
    return result.reason === "name-taken"
      ? { errors: { name: [result.message] }, message: "Not renamed." }
      : { message: result.message };
  }
  refresh();
  return { ok: true, message: result.message };
}

export async function moveAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = moveSchema.safeParse({
    items: formItems(formData),
    targetId: text(formData, "targetId"),
  });
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: "Nothing moved." };
  const result = await moveItems(user.id, parsed.data.items, parsed.data.targetId);
  if (!result.ok) return { message: result.message };
  refresh();
  return { ok: true, message: result.message };
}

async function onItems(
  formData: FormData,
  failure: string,
  run: (
    ownerId: string,
    items: ReturnType<typeof itemsSchema.parse>["items"],
  ) => Promise<{
    ok: boolean;
    message: string;
  }>,
): Promise<FormState> {
  const user = await currentUser();
  if (!user) return { message: SESSION_ENDED };
  const parsed = itemsSchema.safeParse({ items: formItems(formData) });
  if (!parsed.success) return { errors: fieldErrors(parsed.error), message: failure };
  const result = await run(user.id, parsed.data.items);
  if (result.ok) refresh();
  return { ok: result.ok, message: result.message };
}

export async function trashAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return onItems(formData, "Nothing moved to the trash.", trashItems);
}

export async function restoreAction(_prev: FormState, formData: FormData): Promise<FormState> {
  return onItems(formData, "Nothing restored.", restoreItems);
}

export async function deleteForeverAction(
  _prev: FormState,
  formData: FormData,
): Promise<FormState> {
  return onItems(formData, "Nothing deleted.", deleteForever);
}

/** Starts the background job; the page follows it (jobId) and refreshes when it ends. */
export async function emptyTrashAction(): Promise<FormState & { jobId?: string }> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  return startEmptyTrash(user.id);
}

export type FolderPickerState =
  { ok: true; breadcrumbs: Crumb[]; folders: DriveFolder[] } | { ok: false; message: string };

/** The subfolders the Move dialog shows while the user browses for a destination. */
export async function browseFoldersAction(parentId: unknown): Promise<FolderPickerState> {
  const user = await currentUser();
  if (!user) return { ok: false, message: SESSION_ENDED };
  const parsed = folderIdSchema.safeParse(parentId);
  if (!parsed.success) return { ok: false, message: "That folder no longer exists." };
  const result = await listChildFolders(user.id, parsed.data);
  if (!result) return { ok: false, message: "That folder no longer exists." };
  return { ok: true, ...result };
}
