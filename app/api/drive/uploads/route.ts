import { json, readJson, withUser } from "@/lib/drive/upload-http";
import { startUploadSchema } from "@/lib/drive/upload-schemas";
import { parseUploadInput, startUpload } from "@/lib/drive/uploads";

export const dynamic = "force-dynamic";

// Starts an upload: reserves quota and answers how to send the bytes (one PUT or parts).
export async function POST(request: Request) {
  return withUser(async (user) => {
    const input = parseUploadInput(startUploadSchema, await readJson(request));
    return json(await startUpload(user.id, input), 201);
  });
}
