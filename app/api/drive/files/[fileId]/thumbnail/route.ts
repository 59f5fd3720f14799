import { DOWNLOAD_FAILED, FILE_NOT_FOUND } from "@/lib/drive/downloads";
import { idSchema } from "@/lib/drive/schemas";
import { thumbnailKeyOf } from "@/lib/drive/thumbnails";
import { HttpError } from "@/lib/server/errors";
import { withUser } from "@/lib/server/route";
import { getObjectStream } from "@/lib/storage/objects";

export const dynamic = "force-dynamic";

// The grid view's thumbnail, streamed (a few KB). The key changes with each content, and the
// grid's URL carries the file's updatedAt, so the browser may keep it privately for a day.
export const GET = withUser<{ fileId: string }>(
  async ({ request, user, params }) => {
    const fileId = idSchema.safeParse(params.fileId);
    if (!fileId.success) throw new HttpError(404, FILE_NOT_FOUND);
    const key = await thumbnailKeyOf(user.id, fileId.data);
    const object = key ? await getObjectStream(key, { signal: request.signal }) : null;
    if (!object) throw new HttpError(404, "No thumbnail yet.");
    return new Response(object.body, {
      status: 200,
      headers: {
        "content-type": "image/webp",
        "cache-control": "private, max-age=86400",
        "x-content-type-options": "nosniff",
      },
    });
  },
  { failure: DOWNLOAD_FAILED },
);
