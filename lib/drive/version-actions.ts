"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/lib/forms";
import { userAction } from "@/lib/server/action";
import { idSchema } from "./schemas";
import type { FileVersionView } from "./version-types";
import { deleteVersion, listVersions, restoreVersion } from "./versions";

const FILE_GONE = "This file is no longer in your drive.";
const versionRef = z.object({ fileId: idSchema, versionId: idSchema });

export const listVersionsAction = userAction(
  {
    schema: z.object({ fileId: idSchema }),
    input: (fileId: string) => ({ fileId }),
    invalid: () => ({ ok: false, message: FILE_GONE }),
  },
  async (
    { fileId },
    user,
  ): Promise<
    | { ok: true; current: FileVersionView; versions: FileVersionView[] }
    | { ok: false; message: string }
  > => {
    const listed = await listVersions(user.id, fileId);
    return listed ? { ok: true, ...listed } : { ok: false, message: FILE_GONE };
  },
);

export const restoreVersionAction = userAction(
  {
    schema: versionRef,
    input: (ref: { fileId: string; versionId: string }) => ref,
    invalid: "That version no longer exists.",
  },
  async ({ fileId, versionId }, user): Promise<FormState> => {
    const result = await restoreVersion(user.id, fileId, versionId);
    if (result.ok) revalidatePath("/drive", "layout");
    return result;
  },
);

export const deleteVersionAction = userAction(
  {
    schema: versionRef,
    input: (ref: { fileId: string; versionId: string }) => ref,
    invalid: "That version no longer exists.",
  },
  async ({ fileId, versionId }, user): Promise<FormState> => {
    const result = await deleteVersion(user.id, fileId, versionId);
    if (result.ok) revalidatePath("/drive", "layout");
    return result;
  },
);
