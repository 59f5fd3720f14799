import type { DriveFile } from "@/lib/drive/types";
import { uploadContentType } from "@/lib/drive/upload-schemas";
import { InterruptedUploads } from "./interrupted";
import { ResumeEntries } from "./resume-entries";
import { memoryResumeStore } from "./resume-store";
import { abortableSleep, withRetries } from "./retry";
import { completedParts, sendParts, sendSingle, type SendContext } from "./send";
import { resumedSession, sentBytes, startedSession } from "./session";
import { buildSnapshot } from "./snapshot";
import { SpeedMeter } from "./speed-meter";
import { AbortError, isAbort, type PutTransport } from "./transport";
import {
  ACTIVE,
  newTask,
  randomId,
  type Session,
  type Task,
  type Tuning,
  type UploaderSnapshot,
  type UploadItem,
  type UploadManagerOptions,
  type UploadSource,
} from "./types";
import { ApiError, type UploadApi } from "./upload-api";
import { explainUploadError, isFinal } from "./upload-messages";

// The upload manager, free of React so that it can be tested and benchmarked. It queues files,
// sends small ones with one presigned PUT and large ones in parts (./send.ts: several in parallel,
// each retried with backoff and fresh URLs), remembers unfinished uploads so that a reloaded page
// can resume them (./resume-entries.ts), and publishes immutable snapshots for the UI
// (./snapshot.ts). It runs in the browser: nothing here may import server code.

export type {
  InterruptedUpload,
  UploaderSnapshot,
  UploadItem,
  UploadManagerOptions,
  UploadPhase,
  UploadSource,
} from "./types";

export class UploadManager {
  private readonly api: UploadApi;
  private readonly transport: PutTransport;
  private readonly entries: ResumeEntries;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly opts: Tuning;
  private readonly send: SendContext;
  private readonly onFileUploaded: ((file: DriveFile) => void) | undefined;

  private tasks: Task[] = [];
  private readonly interrupted: InterruptedUploads;
  private listeners = new Set<() => void>();
  private snapshot: UploaderSnapshot;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private ready: Promise<void> = Promise.resolve();
  private initialised = false;
  private readonly overallMeter: SpeedMeter;

  constructor(options: UploadManagerOptions) {
    this.api = options.api;
    this.transport = options.transport;
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.onFileUploaded = options.onFileUploaded;
    this.opts = {
      partConcurrency: options.partConcurrency ?? 4,
      fileConcurrency: options.fileConcurrency ?? 3,
      maxRetries: options.maxRetries ?? 3,
      retryBaseMs: options.retryBaseMs ?? 1000,
      urlBatchSize: options.urlBatchSize ?? 16,
      urlMarginMs: options.urlMarginMs ?? 30_000,
      heartbeatMs: options.heartbeatMs ?? 5000,
      staleAfterMs: options.staleAfterMs ?? 20_000,
      tabId: options.tabId ?? randomId(),
    };
    this.entries = new ResumeEntries(
      options.resumeStore ?? memoryResumeStore(),
      this.now,
      this.opts.tabId,
    );
    this.interrupted = new InterruptedUploads(this.api, this.entries, this.opts.staleAfterMs);
    this.send = {
      api: this.api,
      transport: this.transport,
      now: this.now,
      tuning: this.opts,
      retry: (task, signal, what, attemptOnce) => this.withRetries(task, signal, what, attemptOnce),
      progress: (task, key, loaded) => this.progress(task, key, loaded),
      refreshLoaded: (task) => this.refreshLoaded(task),
      update: (task, patch) => this.update(task, patch),
    };
    this.overallMeter = new SpeedMeter(this.now);
    this.snapshot = this.buildSnapshot();
  }

  // ---- public API -----------------------------------------------------------------------------

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UploaderSnapshot => this.snapshot;

  /**
   * Looks for uploads a previous page left unfinished: multipart ones are offered for resuming,
   * single PUTs (which would restart from zero anyway) are cancelled to free their reserved space.
   */
  init(): Promise<void> {
    if (this.initialised) return this.ready;
    this.initialised = true;
    this.ready = this.findInterrupted();
    this.heartbeat = setInterval(() => {
      this.touchOwnEntries();
      void this.findInterrupted();
    }, this.opts.heartbeatMs);
    return this.ready;
  }

  dispose(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    if (this.emitTimer) clearTimeout(this.emitTimer);
    this.emitTimer = null;
  }

  /** The page is going away: its uploads become resumable at once by the next page. */
  release(): void {
    this.entries.release(new Set(this.tasks.map((t) => t.uploadId)));
  }

  add(sources: readonly UploadSource[], folderId: string | null): string[] {
    const ids = sources.map((source) => {
      const task = newTask(source, { folderId }, this.now);
      this.tasks.push(task);
      return task.item.id;
    });
    this.emit(true);
    this.pump();
    return ids;
  }

  /** Shows something the user tried to upload but cannot be, with the reason. */
  addRejected(name: string, reason: string): void {
    const nothing = Object.assign(new Blob([]), { name, lastModified: 0 });
    this.tasks.push(
      newTask(nothing, { phase: "failed", error: reason, retryable: false }, this.now),
    );
    this.emit(true);
  }

  cancel(id: string): void {
    const task = this.find(id);
    // While finishing, the server is already turning the upload into a file.
    if (!task || !ACTIVE.includes(task.item.phase) || task.item.phase === "finishing") return;
    this.update(task, { phase: "cancelled", note: null, error: null });
    task.controller?.abort();
    // A task that is not running (queued) has no upload on the server unless it was resumed.
    if (!task.running) void this.discardOnServer(task);
    this.pump();
  }

  retry(id: string): void {
    const task = this.find(id);
    if (!task || task.item.phase !== "failed" || !task.item.retryable) return;
    this.update(task, { phase: "queued", error: null, note: null });
    this.pump();
  }

  /** Removes a finished item from the list; a failed one gives its reserved space back. */
  dismiss(id: string): void {
    const task = this.find(id);
    if (!task || ACTIVE.includes(task.item.phase)) return;
    if (task.item.phase === "failed") void this.discardOnServer(task);
    this.tasks = this.tasks.filter((t) => t !== task);
    this.emit(true);
  }

  clearFinished(): void {
    for (const task of this.tasks) {
      if (task.item.phase === "failed") void this.discardOnServer(task);
    }
    this.tasks = this.tasks.filter((t) => ACTIVE.includes(t.item.phase));
    this.emit(true);
  }

  async discardInterrupted(uploadId: string): Promise<void> {
    this.interrupted.drop(uploadId);
    this.emit(true);
    try {
      await this.api.abort(uploadId);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) return;
    }
    this.entries.forget(uploadId);
  }

  // ---- scheduling -----------------------------------------------------------------------------

  private pump(): void {
    let running = this.tasks.filter((t) => t.running).length;
    const idle = running === 0;
    for (const task of this.tasks) {
      if (running >= this.opts.fileConcurrency) break;
      if (task.running || task.item.phase !== "queued") continue;
      if (idle && running === 0) this.overallMeter.reset();
      running++;
      void this.run(task);
    }
    // Speeds and estimates move even when no progress event arrives (a stalled connection).
    if (running > 0 && !this.ticker) {
      this.ticker = setInterval(() => this.emit(true), 1000);
    } else if (running === 0 && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private async run(task: Task): Promise<void> {
    task.running = true;
    const controller = new AbortController();
    task.controller = controller;
    const { signal } = controller;
    try {
      await this.ready;
      task.meter.reset();
      task.doneBytes = 0;
      task.inflight.clear();
      const session = await this.openSession(task, signal);
      if (signal.aborted) throw new AbortError();
      if (session.mode === "single") await sendSingle(this.send, task, session, signal);
      else await sendParts(this.send, task, session, signal);
      if (signal.aborted) throw new AbortError();
      this.update(task, {
        phase: "finishing",
        note: null,
        bytesPerSecond: null,
        secondsLeft: null,
      });
      const file = await this.finish(task, session, signal);
      this.entries.forget(session.uploadId);
      task.uploadId = null;
      this.update(task, { phase: "done", loaded: task.item.size, file, note: null });
      this.onFileUploaded?.(file);
    } catch (err) {
      if (task.item.phase === "cancelled" || isAbort(err)) {
        await this.discardOnServer(task);
      } else {
        if (isFinal(err) && task.uploadId) {
          this.entries.forget(task.uploadId);
          task.uploadId = null;
        }
        task.inflight.clear();
        this.update(task, {
          phase: "failed",
          error: explainUploadError(err),
          note: null,
          bytesPerSecond: null,
          secondsLeft: null,
        });
      }
    } finally {
      task.running = false;
      task.controller = null;
      this.emit(true);
      this.pump();
    }
  }

  // ---- one file ------------------------------------------------------------------------------

  private async openSession(task: Task, signal: AbortSignal): Promise<Session> {
    if (!task.uploadId) {
      const match = this.interrupted.take(task.source);
      if (match) {
        task.uploadId = match.uploadId;
        this.update(task, { folderId: match.folderId });
      }
    }
    if (task.uploadId) {
      this.update(task, { phase: "checking" });
      const resumed = await this.resumeSession(task, task.uploadId);
      if (resumed) return resumed;
      task.uploadId = null;
    }
    this.update(task, { phase: "checking" });
    // Not abortable: if the server created the upload we must learn its id to delete it.
    const input = {
      name: task.source.name,
      size: task.source.size,
      contentType: uploadContentType(task.source.type),
      folderId: task.item.folderId,
    };
    let started: Awaited<ReturnType<UploadApi["start"]>> | undefined;
    await this.withRetries(task, signal, "the upload", async () => {
      started = await this.api.start(input);
    });
    if (!started) throw new ApiError(500, "The server did not start the upload.");
    task.uploadId = started.uploadId;
    this.entries.remember(task, started.mode);
    if (signal.aborted) throw new AbortError();
    return startedSession(started);
  }

  /** The server's view of an unfinished upload, or null when it is gone and must start over. */
  private async resumeSession(task: Task, uploadId: string): Promise<Session | null> {
    let status;
    try {
      status = await this.api.status(uploadId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.entries.forget(uploadId);
        return null;
      }
      throw err;
    }
    if (status.size !== task.source.size) {
      // Not the same file after all: leave that upload alone and start a new one.
      return null;
    }
    this.entries.remember(task, status.mode);
    const session = resumedSession(uploadId, status);
    if (session.mode === "multipart") {
      const resumedBytes = sentBytes(session);
      task.doneBytes = resumedBytes;
      this.update(task, { resumedBytes, loaded: resumedBytes });
    }
    return session;
  }

  private async finish(task: Task, session: Session, signal: AbortSignal): Promise<DriveFile> {
    for (let round = 0; ; round++) {
      const parts = session.mode === "multipart" ? completedParts(session.done) : undefined;
      try {
        let file: DriveFile | undefined;
        // A busy server (503) or a dropped connection is worth another try; the upload is intact.
        await this.withRetries(task, signal, "the last step", async () => {
          file = (await this.api.complete(session.uploadId, parts)).file;
        });
        if (!file) throw new ApiError(500, "The server did not confirm the upload.");
        return file;
      } catch (err) {
        // 409: the store lacks some parts (lost, or overwritten by another tab). Ask which, send
        // them again, once.
        if (!(err instanceof ApiError && err.status === 409) || round > 0) throw err;
        if (signal.aborted) throw new AbortError();
        if (session.mode === "single") {
          await sendSingle(this.send, task, session, signal);
        } else {
          const fresh = await this.resumeSession(task, session.uploadId);
          if (!fresh || fresh.mode !== "multipart") throw err;
          session.done = fresh.done;
          await sendParts(this.send, task, session, signal);
        }
        this.update(task, { phase: "finishing" });
      }
    }
  }

  private withRetries(
    task: Task,
    signal: AbortSignal,
    what: string,
    attemptOnce: (attempt: number, lastError: unknown) => Promise<void>,
  ): Promise<void> {
    return withRetries(
      {
        signal,
        what,
        maxRetries: this.opts.maxRetries,
        retryBaseMs: this.opts.retryBaseMs,
        random: this.random,
        sleep: this.sleep,
        onNote: (note) => this.update(task, { note }),
      },
      attemptOnce,
    );
  }

  private async discardOnServer(task: Task): Promise<void> {
    const uploadId = task.uploadId;
    task.uploadId = null;
    if (!uploadId) return;
    try {
      await this.api.abort(uploadId);
    } catch (err) {
      // Not found is what we wanted. Otherwise the entry stays, and the next page offers it.
      if (!(err instanceof ApiError && err.status === 404)) return;
    }
    this.entries.forget(uploadId);
  }

  // ---- progress ------------------------------------------------------------------------------

  private progress(task: Task, key: number, loaded: number): void {
    const delta = loaded - (task.inflight.get(key) ?? 0);
    task.inflight.set(key, loaded);
    if (delta > 0) {
      task.meter.add(delta);
      this.overallMeter.add(delta);
    }
    this.refreshLoaded(task);
  }

  private refreshLoaded(task: Task): void {
    let inflight = 0;
    for (const v of task.inflight.values()) inflight += v;
    task.item = { ...task.item, loaded: Math.min(task.item.size, task.doneBytes + inflight) };
    this.emit(false);
  }

  // ---- interrupted uploads ------------------------------------------------------------------

  private touchOwnEntries(): void {
    this.entries.touch(new Set(this.tasks.filter((t) => t.uploadId).map((t) => t.uploadId)));
  }

  private async findInterrupted(): Promise<void> {
    await this.interrupted.scan((uploadId) => this.tasks.some((t) => t.uploadId === uploadId));
    this.emit(true);
  }

  // ---- snapshots -----------------------------------------------------------------------------

  private find(id: string): Task | undefined {
    return this.tasks.find((t) => t.item.id === id);
  }

  private update(task: Task, patch: Partial<UploadItem>): void {
    task.item = { ...task.item, ...patch };
    this.emit(true);
  }

  private emit(now: boolean): void {
    if (now) {
      if (this.emitTimer) clearTimeout(this.emitTimer);
      this.emitTimer = null;
      this.publish();
      return;
    }
    // Progress events arrive many times a second per request; the UI needs a few frames.
    this.emitTimer ??= setTimeout(() => {
      this.emitTimer = null;
      this.publish();
    }, 100);
  }

  private publish(): void {
    this.snapshot = this.buildSnapshot();
    for (const listener of this.listeners) listener();
  }

  private buildSnapshot(): UploaderSnapshot {
    return buildSnapshot(this.tasks, this.interrupted.list, this.overallMeter);
  }
}
