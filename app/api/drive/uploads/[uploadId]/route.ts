import { json, withUser } from "@/lib/drive/upload-http";
import { abortUpload, parseUploadId, uploadStatus } from "@/lib/drive/uploads";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ uploadId: string }> };

// Status for resuming: the parts already stored (multipart) or a fresh PUT URL (single).
export async function GET(_request: Request, { params }: Context) {
  const { uploadId } = await params;
  return withUser(async (user) => json(await uploadStatus(user.id, parseUploadId(uploadId))));
}

// Cancels: removes the parts or object and the reservation.
export async function DELETE(_request: Request, { params }: Context) {
  const { uploadId } = await params;
  return withUser(async (user) => {
    await abortUpload(user.id, parseUploadId(uploadId));
    return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  });
}
