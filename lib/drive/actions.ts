"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/lib/forms";
import { userAction } from "@/lib/server/action";
import { moveItems, renameItem } from "./files";
import { createFolder, listChildFolders } from "./folders";
import type { Crumb } from "./listing-types";
import {
  createFolderSchema,
  folderIdSchema,
  itemsSchema,
  moveSchema,
  renameSchema,
  type ItemRef,
} from "./schemas";
import { startEmptyTrash } from "./empty-trash";
import { deleteForever, restoreItems, trashItems } from "./trash";
import type { DriveFolder } from "./types";

// Drive's server actions, through the one action front door (lib/server/action.ts): the session
// is checked and the input parsed before each body runs, with the signed-in user's id passed
// down to scope every query.

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

export const createFolderAction = userAction(
  {
    schema: createFolderSchema,
    input: (_prev: FormState, formData: FormData) => ({
      parentId: text(formData, "parentId"),
      name: text(formData, "name"),
    }),
    invalid: "Folder not created.",
  },
  async (input, user): Promise<FormState> => {
    const result = await createFolder(user.id, input.parentId, input.name);
    if (!result.ok) {
      return result.reason === "name-taken"
        ? { errors: { name: [result.message] }, message: "Folder not created." }
        : { message: result.message };
    }
    refresh();
    return { ok: true, message: `Created “${result.folder.name}”.` };
  },
);

export const renameAction = userAction(
  {
    schema: renameSchema,
    input: (_prev: FormState, formData: FormData) => ({
      item: text(formData, "item"),
      name: text(formData, "name"),
    }),
    invalid: "Not renamed.",
  },
  async (input, user): Promise<FormState> => {
    const result = await renameItem(user.id, input.item, input.name);
    if (!result.ok) {
      return result.reason === "name-taken"
        ? { errors: { name: [result.message] }, message: "Not renamed." }
        : { message: result.message };
    }
    refresh();
    return { ok: true, message: result.message };
  },
);

export const moveAction = userAction(
  {
    schema: moveSchema,
    input: (_prev: FormState, formData: FormData) => ({
      items: formItems(formData),
      targetId: text(formData, "targetId"),
    }),
    invalid: "Nothing moved.",
  },
  async (input, user): Promise<FormState> => {
    const result = await moveItems(user.id, input.items, input.targetId);
    if (!result.ok) return { message: result.message };
    refresh();
    return { ok: true, message: result.message };
  },
);

/** Trash, restore and delete forever: the same selection form, a different operation. */
function onItems(
  failure: string,
  run: (ownerId: string, items: ItemRef[]) => Promise<{ ok: boolean; message: string }>,
) {
  return userAction(
    {
      schema: itemsSchema,
      input: (_prev: FormState, formData: FormData) => ({ items: formItems(formData) }),
      invalid: failure,
    },
    async ({ items }, user): Promise<FormState> => {
      const result = await run(user.id, items);
      if (result.ok) refresh();
      return { ok: result.ok, message: result.message };
    },
  );
}

export const trashAction = onItems("Nothing moved to the trash.", trashItems);

export const restoreAction = onItems("Nothing restored.", restoreItems);

export const deleteForeverAction = onItems("Nothing deleted.", deleteForever);

/** Starts the background job; the page follows it (jobId) and refreshes when it ends. */
export const emptyTrashAction = userAction(
  { schema: z.unknown() },
  async (_input, user): Promise<FormState<string, { jobId: string }>> => startEmptyTrash(user.id),
);

export type FolderPickerState =
  { ok: true; breadcrumbs: Crumb[]; folders: DriveFolder[] } | { ok: false; message: string };

/** The subfolders the Move dialog shows while the user browses for a destination. */
export const browseFoldersAction = userAction(
  {
    schema: folderIdSchema,
    invalid: () => ({ ok: false, message: "That folder no longer exists." }),
  },
  async (parentId, user): Promise<FolderPickerState> => {
    const result = await listChildFolders(user.id, parentId);
    if (!result) return { ok: false, message: "That folder no longer exists." };
    return { ok: true, ...result };
  },
);
