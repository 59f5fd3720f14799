import { json, readJson, withUser } from "@/lib/drive/upload-http";
import { completeUploadSchema } from "@/lib/drive/upload-schemas";
import { completeUpload, parseUploadId, parseUploadInput } from "@/lib/drive/uploads";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ uploadId: string }> };

// Checks what the store received (size, type, quota) and turns the upload into a file.
export async function POST(request: Request, { params }: Context) {
  const { uploadId } = await params;
  return withUser(async (user) => {
    const id = parseUploadId(uploadId);
    const input = parseUploadInput(completeUploadSchema, await readJson(request));
    return json(await completeUpload(user.id, id, input));
  });
}
