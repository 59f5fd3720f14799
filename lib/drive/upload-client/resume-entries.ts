import type { ResumeEntry, ResumeStore } from "./resume-store";
import type { Task } from "./types";

/**
 * The unfinished uploads this browser remembers (lib/drive/upload-client/resume-store.ts), kept
 * alive by each tab's heartbeat so another tab, or the next page, can tell which were abandoned.
 */
export class ResumeEntries {
  constructor(
    private readonly store: ResumeStore,
    private readonly now: () => number,
    private readonly tabId: string,
  ) {}

  load(): ResumeEntry[] {
    return this.store.load();
  }

  private change(edit: (entries: ResumeEntry[]) => ResumeEntry[]): void {
    this.store.save(edit(this.store.load()));
  }

  remember(task: Task, mode: "single" | "multipart"): void {
    const uploadId = task.uploadId;
    if (!uploadId) return;
    const entry: ResumeEntry = {
      uploadId,
      name: task.source.name,
      size: task.source.size,
      lastModified: task.source.lastModified,
      folderId: task.item.folderId,
      mode,
      tabId: this.tabId,
      touchedAt: this.now(),
    };
    this.change((entries) => [...entries.filter((e) => e.uploadId !== uploadId), entry]);
  }

  forget(uploadId: string): void {
    this.change((entries) => entries.filter((e) => e.uploadId !== uploadId));
  }

  /** This tab's heartbeat: its uploads are alive. */
  touch(uploadIds: ReadonlySet<string | null>): void {
    if (uploadIds.size === 0) return;
    const now = this.now();
    this.change((entries) =>
      entries.map((e) =>
        uploadIds.has(e.uploadId) ? { ...e, tabId: this.tabId, touchedAt: now } : e,
      ),
    );
  }

  /** The page is going away: these become resumable at once by the next page. */
  release(uploadIds: ReadonlySet<string | null>): void {
    this.change((entries) =>
      entries.map((e) => (uploadIds.has(e.uploadId) ? { ...e, touchedAt: 0 } : e)),
    );
  }

  /** Entries released by a page that went away, or not kept alive by another tab for a while. */
  abandoned(skip: (uploadId: string) => boolean, staleAfterMs: number): ResumeEntry[] {
    const now = this.now();
    return this.load().filter(
      (e) =>
        !skip(e.uploadId) &&
        (e.touchedAt === 0 || (e.tabId !== this.tabId && now - e.touchedAt > staleAfterMs)),
    );
  }
}
