import { apiError, NO_STORE, withUser } from "@/lib/drive/download-http";
import { planZip, zipLength, zipStream, ZIP_LIMITS } from "@/lib/drive/zip";
import { zipQuerySchema } from "@/lib/drive/zip-schemas";
import { contentDisposition } from "@/lib/storage/content-disposition";
import { formatBytes } from "@/lib/format/numbers";
import { userSlots } from "@/lib/limits/user-slots";

export const dynamic = "force-dynamic";

// Streams a zip of the owner's selection. Unlike single downloads the bytes pass through this
// server (a zip has to be assembled somewhere), one object at a time and never whole in memory.
export async function GET(request: Request) {
  return withUser(async (user) => {
    const params = new URL(request.url).searchParams;
    const query = zipQuerySchema.safeParse({
      files: params.get("files") ?? undefined,
      folders: params.get("folders") ?? undefined,
    });
    if (!query.success) {
      return apiError(400, query.error.issues[0]?.message ?? "Invalid selection");
    }
    const result = await planZip(user.id, {
      fileIds: query.data.files,
      folderIds: query.data.folders,
    });
    if (!result.ok) {
      if (result.reason === "too-many") {
        return apiError(
          413,
          `A zip can hold at most ${ZIP_LIMITS.maxEntries.toLocaleString("en")} files and folders. Download this selection in smaller parts.`,
        );
      }
      if (result.reason === "too-big") {
        return apiError(
          413,
          `A zip can hold at most ${formatBytes(ZIP_LIMITS.maxBytes)}. Download this selection in smaller parts.`,
        );
      }
      return apiError(404, "Some of these items do not exist or are in the trash.");
    }
    const { plan } = result;
    // Every byte of a zip passes through this server: one user may run only a few at once.
    const slot = userSlots("zip-downloads").acquire(user.id);
    if (!slot.ok) return apiError(429, slot.message);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    // The place is freed when the zip is sent, fails or the browser goes away.
    void zipStream(plan, request.signal)
      .pipeTo(writable)
      .catch(() => undefined)
      .finally(slot.release);
    return new Response(readable, {
      headers: {
        "content-type": "application/zip",
        "content-length": String(zipLength(plan)),
        "content-disposition": contentDisposition(plan.filename),
        "cache-control": NO_STORE,
      },
    });
  });
}
