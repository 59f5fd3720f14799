import { DOWNLOAD_FAILED, FILE_NOT_FOUND, fileDownloadUrl } from "@/lib/drive/downloads";
import { idSchema } from "@/lib/drive/schemas";
import { HttpError } from "@/lib/server/errors";
import { redirectTo, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Redirects to a short-lived presigned GET: the bytes go from the store to the browser, never
// through this server. `?inline=1` previews types that cannot run script; the rest download.
export const GET = withUser<{ fileId: string }>(
  async ({ request, user, params }) => {
    const fileId = idSchema.safeParse(params.fileId);
    if (!fileId.success) throw new HttpError(404, FILE_NOT_FOUND);
    const inline = new URL(request.url).searchParams.get("inline") === "1";
    const url = await fileDownloadUrl(user.id, fileId.data, { inline });
    if (!url) throw new HttpError(404, FILE_NOT_FOUND);
    return redirectTo(url);
  },
  { failure: DOWNLOAD_FAILED },
);
