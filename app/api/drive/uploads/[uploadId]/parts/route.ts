import { json, readJson, withUser } from "@/lib/drive/upload-http";
import { partNumbersSchema } from "@/lib/drive/upload-schemas";
import { parseUploadId, parseUploadInput, partUrls } from "@/lib/drive/uploads";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ uploadId: string }> };

// Presigned URLs for a batch of parts; asked again for fresh ones when they expire.
export async function POST(request: Request, { params }: Context) {
  const { uploadId } = await params;
  return withUser(async (user) => {
    const id = parseUploadId(uploadId);
    const input = parseUploadInput(partNumbersSchema, await readJson(request));
    return json(await partUrls(user.id, id, input));
  });
}
