import { fileDownloadUrl } from "@/lib/drive/downloads";
import { apiError, FILE_NOT_FOUND, redirectTo, withUser } from "@/lib/drive/download-http";
import { idSchema } from "@/lib/drive/schemas";

export const dynamic = "force-dynamic";

// Redirects to a short-lived presigned GET: the bytes go from the store to the browser, never
// through this server. `?inline=1` previews types that cannot run script; the rest download.
export async function GET(
  request: Request,
  ctx: RouteContext<"/api/drive/files/[fileId]/download">,
) {
  return withUser(async (user) => {
    const fileId = idSchema.safeParse((await ctx.params).fileId);
    if (!fileId.success) return apiError(404, FILE_NOT_FOUND);
    const inline = new URL(request.url).searchParams.get("inline") === "1";
    const url = await fileDownloadUrl(user.id, fileId.data, { inline });
    return url ? redirectTo(url) : apiError(404, FILE_NOT_FOUND);
  });
}
