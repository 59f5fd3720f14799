import { completeUploadSchema } from "@/lib/drive/upload-schemas";
import { completeUpload, parseUploadId, UPLOAD_FAILED } from "@/lib/drive/uploads";
import { requestSearchIndex } from "@/lib/search/request";
import { firstIssueMessage, json, readJson, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Checks what the store received (size, type, quota) and turns the upload into a file.
export const POST = withUser<{ uploadId: string }>(
  async ({ request, user, params }) => {
    const id = parseUploadId(params.uploadId);
    const input = await readJson(
      request,
      completeUploadSchema,
      firstIssueMessage("Invalid request"),
    );
    const done = await completeUpload(user.id, id, input);
    // A new file (or version) to read for Drive search.
    await requestSearchIndex(user.id);
    return json(done);
  },
  { failure: UPLOAD_FAILED },
);
