import { DOWNLOAD_FAILED, FILE_NOT_FOUND, textPreview } from "@/lib/drive/downloads";
import { idSchema } from "@/lib/drive/schemas";
import { HttpError } from "@/lib/server/errors";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// The first 64 KiB of a text-like file, for the preview dialog: { text, truncated, size }.
export const GET = withUser<{ fileId: string }>(
  async ({ user, params }) => {
    const fileId = idSchema.safeParse(params.fileId);
    if (!fileId.success) throw new HttpError(404, FILE_NOT_FOUND);
    const preview = await textPreview(user.id, fileId.data);
    if (preview === "not-found") throw new HttpError(404, FILE_NOT_FOUND);
    if (preview === "not-text") throw new HttpError(415, "This file cannot be previewed as text.");
    return json(preview);
  },
  { failure: DOWNLOAD_FAILED },
);
