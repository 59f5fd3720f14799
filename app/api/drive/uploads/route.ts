import { startUploadSchema } from "@/lib/drive/upload-schemas";
import { startUpload, UPLOAD_FAILED } from "@/lib/drive/uploads";
import { firstIssueMessage, json, readJson, withUser } from "@/lib/server/route";

export const dynamic = "force-dynamic";

// Starts an upload: reserves quota and answers how to send the bytes (one PUT or parts).
export const POST = withUser(
  async ({ request, user }) => {
    const input = await readJson(request, startUploadSchema, firstIssueMessage("Invalid request"));
    return json(await startUpload(user.id, input), 201);
  },
  { failure: UPLOAD_FAILED },
);
