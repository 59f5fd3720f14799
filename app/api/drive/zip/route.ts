import { DOWNLOAD_FAILED } from "@/lib/drive/downloads";
import { planZip, zipLength, zipStream, ZIP_LIMITS } from "@/lib/drive/zip";
import { zipQuerySchema } from "@/lib/drive/zip-schemas";
import { HttpError } from "@/lib/server/errors";
import { firstIssueMessage, NO_STORE, readQuery, withUser } from "@/lib/server/route";
import { contentDisposition } from "@/lib/storage/content-disposition";
import { formatBytes } from "@/lib/format/numbers";
import { userSlots } from "@/lib/limits/user-slots";

export const dynamic = "force-dynamic";

const SMALLER = "Download this selection in smaller parts.";

// Streams a zip of the owner's selection. Unlike single downloads the bytes pass through this
// server (a zip has to be assembled somewhere), one object at a time and never whole in memory;
// a child process reads the objects and checksums them, this thread only forwards the bytes.
export const GET = withUser(
  async ({ request, user }) => {
    const query = readQuery(request, zipQuerySchema, firstIssueMessage("Invalid selection"));
    // Every byte of a zip passes through this server: one user may run only a few at once. Asked
    // before the plan, which reads the whole selection from the database: a refusal costs little.
    const slot = await userSlots("zip-downloads").acquireWithin(user.id, request.signal);
    if (!slot.ok) throw new HttpError(429, slot.message);
    let sending = false;
    try {
      const result = await planZip(user.id, { fileIds: query.files, folderIds: query.folders });
      if (!result.ok) {
        if (result.reason === "too-many") {
          const most = ZIP_LIMITS.maxEntries.toLocaleString("en");
          throw new HttpError(413, `A zip can hold at most ${most} files and folders. ${SMALLER}`);
        }
        if (result.reason === "too-big") {
          const most = formatBytes(ZIP_LIMITS.maxBytes);
          throw new HttpError(413, `A zip can hold at most ${most}. ${SMALLER}`);
        }
        throw new HttpError(404, "Some of these items do not exist or are in the trash.");
      }
      const { plan } = result;
      // The zip is built in a process of its own (lib/drive/zip.ts); the place is freed when that
      // process has ended: the zip was sent, failed or the browser went away.
      const { stream, done } = zipStream(plan, request.signal, user.id);
      sending = true;
      void done.finally(slot.release);
      return new Response(stream, {
        headers: {
          "content-type": "application/zip",
          "content-length": String(zipLength(plan)),
          "content-disposition": contentDisposition(plan.filename),
          "cache-control": NO_STORE,
        },
      });
    } finally {
      if (!sending) slot.release();
    }
  },
  { failure: DOWNLOAD_FAILED },
);
