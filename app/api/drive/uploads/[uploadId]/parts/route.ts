import { partNumbersSchema } from "@/lib/drive/upload-schemas";
import { parseUploadId, partUrls, UPLOAD_FAILED } from "@/lib/drive/uploads";
import { firstIssueMessage, json, readJson, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Presigned URLs for a batch of parts; asked again for fresh ones when they expire.
export const POST = withUser<{ uploadId: string }>(
  async ({ request, user, params }) => {
    const id = parseUploadId(params.uploadId);
    const input = await readJson(request, partNumbersSchema, firstIssueMessage("Invalid request"));
    return json(await partUrls(user.id, id, input));
  },
  { failure: UPLOAD_FAILED },
);
