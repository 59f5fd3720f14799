import { textPreview } from "@/lib/drive/downloads";
import { apiError, FILE_NOT_FOUND, NO_STORE, withUser } from "@/lib/drive/download-http";
import { idSchema } from "@/lib/drive/schemas";

export const dynamic = "force-dynamic";

// The first 64 KiB of a text-like file, for the preview dialog: { text, truncated, size }.
export async function GET(_request: Request, ctx: RouteContext<"/api/drive/files/[fileId]/text">) {
  return withUser(async (user) => {
    const fileId = idSchema.safeParse((await ctx.params).fileId);
    if (!fileId.success) return apiError(404, FILE_NOT_FOUND);
    const preview = await textPreview(user.id, fileId.data);
    if (preview === "not-found") return apiError(404, FILE_NOT_FOUND);
    if (preview === "not-text") return apiError(415, "This file cannot be previewed as text.");
    return Response.json(preview, { headers: { "cache-control": NO_STORE } });
  });
}
