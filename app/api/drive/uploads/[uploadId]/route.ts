import { abortUpload, parseUploadId, UPLOAD_FAILED, uploadStatus } from "@/lib/drive/uploads";
import { json, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

type Params = { uploadId: string };

// Status for resuming: the parts already stored (multipart) or a fresh PUT URL (single).
export const GET = withUser<Params>(
  async ({ user, params }) => json(await uploadStatus(user.id, parseUploadId(params.uploadId))),
  { failure: UPLOAD_FAILED },
);

// Cancels: removes the parts or object and the reservation.
export const DELETE = withUser<Params>(
  async ({ user, params }) => {
    await abortUpload(user.id, parseUploadId(params.uploadId));
    return new Response(null, { status: 204 });
  },
  { failure: UPLOAD_FAILED },
);
