import type { ResumeEntries } from "./resume-entries";
import { sameFile, type ResumeEntry } from "./resume-store";
import type { InterruptedUpload, UploadSource } from "./types";
import { ApiError, type UploadApi } from "./upload-api";

/**
 * Uploads a previous page (or a tab that went quiet) left unfinished: multipart ones are offered
 * for resuming, single PUTs (which would restart from zero anyway) are cancelled to free their
 * reserved space.
 */
export class InterruptedUploads {
  /** What the panel offers to resume; replaced, never mutated, so snapshots can share it. */
  list: readonly InterruptedUpload[] = [];
  private checking = new Set<string>();

  constructor(
    private readonly api: UploadApi,
    private readonly entries: ResumeEntries,
    private readonly staleAfterMs: number,
  ) {}

  /** Checks every abandoned entry with the server; `isOwn` says which this page is uploading. */
  async scan(isOwn: (uploadId: string) => boolean): Promise<void> {
    const stale = this.entries.abandoned(
      (uploadId) =>
        isOwn(uploadId) ||
        this.checking.has(uploadId) ||
        this.list.some((u) => u.uploadId === uploadId),
      this.staleAfterMs,
    );
    await Promise.all(
      stale.map(async (entry) => {
        this.checking.add(entry.uploadId);
        try {
          await this.check(entry, isOwn);
        } finally {
          this.checking.delete(entry.uploadId);
        }
      }),
    );
  }

  /** The interrupted upload of this very file, taken off the list to be resumed. */
  take(source: UploadSource): InterruptedUpload | undefined {
    const match = this.list.find((u) => sameFile(u, source));
    if (match) this.drop(match.uploadId);
    return match;
  }

  drop(uploadId: string): void {
    this.list = this.list.filter((u) => u.uploadId !== uploadId);
  }

  private async check(entry: ResumeEntry, isOwn: (uploadId: string) => boolean): Promise<void> {
    if (entry.mode === "single") {
      await this.api.abort(entry.uploadId).catch(() => undefined);
      this.entries.forget(entry.uploadId);
      return;
    }
    let uploadedBytes: number | null = null;
    try {
      const status = await this.api.status(entry.uploadId);
      if (status.mode === "multipart") {
        uploadedBytes = status.uploadedParts.reduce((sum, p) => sum + p.size, 0);
      }
    } catch (err) {
      // Gone, or someone else's (another account used this browser): nothing to offer.
      if (err instanceof ApiError && err.status === 404) {
        this.entries.forget(entry.uploadId);
        return;
      }
    }
    // This page may have resumed it meanwhile.
    if (isOwn(entry.uploadId)) return;
    this.list = [
      ...this.list.filter((u) => u.uploadId !== entry.uploadId),
      {
        uploadId: entry.uploadId,
        name: entry.name,
        size: entry.size,
        lastModified: entry.lastModified,
        folderId: entry.folderId,
        uploadedBytes,
      },
    ];
  }
}
