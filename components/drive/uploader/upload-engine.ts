import type { DriveFile } from "@/lib/drive/types";
import { uploadContentType } from "@/lib/drive/upload-schemas";
import { ApiError, type CompletedPart, type UploadApi } from "./upload-api";
import { explainUploadError, isFinal, isRetryable } from "./upload-messages";
import { sameFile, type ResumeEntry, type ResumeStore, memoryResumeStore } from "./resume-store";
import { AbortError, isAbort, StoreError, type PutTransport } from "./transport";
import { SpeedMeter } from "./speed-meter";

// The upload manager, free of React so that it can be tested and benchmarked. It queues files,
// sends small ones with one presigned PUT and large ones in parts (several in parallel, each
// retried with backoff and fresh URLs), remembers unfinished uploads so that a reloaded page can
// resume them, and publishes immutable snapshots for the UI.

export type UploadPhase =
  "queued" | "checking" | "uploading" | "finishing" | "done" | "failed" | "cancelled";

export type UploadItem = {
  id: string;
  name: string;
  size: number;
  folderId: string | null;
  phase: UploadPhase;
  loaded: number;
  bytesPerSecond: number | null;
  secondsLeft: number | null;
  /** Why it failed, in words for the user. */
  error: string | null;
  /** A passing remark while it goes on ("Connection lost, retrying…"). */
  note: string | null;
  /** Bytes the server already had when this upload was resumed. */
  resumedBytes: number;
  /** False for items refused before starting (a dropped folder): Retry would not help. */
  retryable: boolean;
  file: DriveFile | null;
};

export type InterruptedUpload = {
  uploadId: string;
  name: string;
  size: number;
  lastModified: number;
  folderId: string | null;
  /** Bytes already on the storage server; null when it could not be asked. */
  uploadedBytes: number | null;
};

export type UploaderSnapshot = {
  items: readonly UploadItem[];
  interrupted: readonly InterruptedUpload[];
  overall: {
    loaded: number;
    total: number;
    bytesPerSecond: number | null;
    secondsLeft: number | null;
    active: number;
    done: number;
    failed: number;
  };
};

/** What the engine needs of a File (a Blob with a name); Node's File qualifies too. */
export type UploadSource = Blob & { name: string; lastModified: number };

export type EngineOptions = {
  api: UploadApi;
  transport: PutTransport;
  resumeStore?: ResumeStore;
  onFileUploaded?: (file: DriveFile) => void;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Parts of one file sent at once. */
  partConcurrency?: number;
  /** Files uploading at once. */
  fileConcurrency?: number;
  /** Further attempts after a failed request (part PUT, single PUT). */
  maxRetries?: number;
  retryBaseMs?: number;
  /** Part URLs asked for per request. */
  urlBatchSize?: number;
  /** A URL expiring sooner than this is renewed before use (S3 checks expiry when a request starts). */
  urlMarginMs?: number;
  heartbeatMs?: number;
  /** Another tab's upload whose heartbeat is older than this counts as interrupted. */
  staleAfterMs?: number;
  tabId?: string;
};

type PartState = { etag: string | null; size: number };

type Session =
  | {
      mode: "single";
      uploadId: string;
      url: string;
      headers: Record<string, string>;
      urlExpiresAt: number;
    }
  | {
      mode: "multipart";
      uploadId: string;
      partSize: number;
      partCount: number;
      done: Map<number, PartState>;
    };

type Task = {
  item: UploadItem;
  source: UploadSource;
  uploadId: string | null;
  controller: AbortController | null;
  inflight: Map<number, number>;
  /** Bytes of parts the store has confirmed. */
  doneBytes: number;
  meter: SpeedMeter;
  running: boolean;
};

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new AbortError());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

function randomId(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

const ACTIVE: readonly UploadPhase[] = ["queued", "checking", "uploading", "finishing"];

export class UploadManager {
  private readonly api: UploadApi;
  private readonly transport: PutTransport;
  private readonly store: ResumeStore;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly opts: Required<
    Pick<
      EngineOptions,
      | "partConcurrency"
      | "fileConcurrency"
      | "maxRetries"
      | "retryBaseMs"
      | "urlBatchSize"
      | "urlMarginMs"
      | "heartbeatMs"
      | "staleAfterMs"
      | "tabId"
    >
  >;
  private readonly onFileUploaded: ((file: DriveFile) => void) | undefined;

  private tasks: Task[] = [];
  private interrupted: InterruptedUpload[] = [];
  private listeners = new Set<() => void>();
  private snapshot: UploaderSnapshot;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private ready: Promise<void> = Promise.resolve();
  private initialised = false;
  private readonly overallMeter: SpeedMeter;

  constructor(options: EngineOptions) {
    this.api = options.api;
    this.transport = options.transport;
    this.store = options.resumeStore ?? memoryResumeStore();
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? defaultSleep;
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
    const ids = new Set(this.tasks.map((t) => t.uploadId));
    this.updateEntries((entries) =>
      entries.map((e) => (ids.has(e.uploadId) ? { ...e, touchedAt: 0 } : e)),
    );
  }

  add(sources: readonly UploadSource[], folderId: string | null): string[] {
    const ids = sources.map((source) => {
      const task: Task = {
        item: {
          id: randomId(),
          name: source.name,
          size: source.size,
          folderId,
          phase: "queued",
          loaded: 0,
          bytesPerSecond: null,
          secondsLeft: null,
          error: null,
          note: null,
          resumedBytes: 0,
          retryable: true,
          file: null,
        },
        source,
        uploadId: null,
        controller: null,
        inflight: new Map(),
        doneBytes: 0,
        meter: new SpeedMeter(this.now),
        running: false,
      };
      this.tasks.push(task);
      return task.item.id;
    });
    this.emit(true);
    this.pump();
    return ids;
  }

  /** Shows something the user tried to upload but cannot be, with the reason. */
  addRejected(name: string, reason: string): void {
    this.tasks.push({
      item: {
        id: randomId(),
        name,
        size: 0,
        folderId: null,
        phase: "failed",
        loaded: 0,
        bytesPerSecond: null,
        secondsLeft: null,
        error: reason,
        note: null,
        resumedBytes: 0,
        retryable: false,
        file: null,
      },
      source: Object.assign(new Blob([]), { name, lastModified: 0 }),
      uploadId: null,
      controller: null,
      inflight: new Map(),
      doneBytes: 0,
      meter: new SpeedMeter(this.now),
      running: false,
    });
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
    this.interrupted = this.interrupted.filter((u) => u.uploadId !== uploadId);
    this.emit(true);
    try {
      await this.api.abort(uploadId);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) return;
    }
    this.forgetEntry(uploadId);
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
      if (session.mode === "single") await this.sendSingle(task, session, signal);
      else await this.sendParts(task, session, signal);
      if (signal.aborted) throw new AbortError();
      this.update(task, {
        phase: "finishing",
        note: null,
        bytesPerSecond: null,
        secondsLeft: null,
      });
      const file = await this.finish(task, session, signal);
      this.forgetEntry(session.uploadId);
      task.uploadId = null;
      this.update(task, { phase: "done", loaded: task.item.size, file, note: null });
      this.onFileUploaded?.(file);
    } catch (err) {
      if (task.item.phase === "cancelled" || isAbort(err)) {
        await this.discardOnServer(task);
      } else {
        if (isFinal(err) && task.uploadId) {
          this.forgetEntry(task.uploadId);
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
      const match = this.interrupted.find((u) => sameFile(u, task.source));
      if (match) {
        this.interrupted = this.interrupted.filter((u) => u !== match);
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
    this.rememberEntry(task, started.mode);
    if (signal.aborted) throw new AbortError();
    if (started.mode === "single") {
      return {
        mode: "single",
        uploadId: started.uploadId,
        url: started.url,
        headers: started.headers,
        urlExpiresAt: Date.parse(started.expiresAt),
      };
    }
    return {
      mode: "multipart",
      uploadId: started.uploadId,
      partSize: started.partSize,
      partCount: started.partCount,
      done: new Map(),
    };
  }

  /** The server's view of an unfinished upload, or null when it is gone and must start over. */
  private async resumeSession(task: Task, uploadId: string): Promise<Session | null> {
    let status;
    try {
      status = await this.api.status(uploadId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.forgetEntry(uploadId);
        return null;
      }
      throw err;
    }
    if (status.size !== task.source.size) {
      // Not the same file after all: leave that upload alone and start a new one.
      return null;
    }
    this.rememberEntry(task, status.mode);
    if (status.mode === "single") {
      return {
        mode: "single",
        uploadId,
        url: status.url,
        headers: status.headers,
        urlExpiresAt: Date.parse(status.urlExpiresAt),
      };
    }
    const done = new Map<number, PartState>();
    for (const p of status.uploadedParts) {
      if (p.size === this.partLength(status.size, status.partSize, p.partNumber)) {
        done.set(p.partNumber, { etag: p.etag, size: p.size });
      }
    }
    const resumedBytes = [...done.values()].reduce((sum, p) => sum + p.size, 0);
    task.doneBytes = resumedBytes;
    this.update(task, { resumedBytes, loaded: resumedBytes });
    return {
      mode: "multipart",
      uploadId,
      partSize: status.partSize,
      partCount: status.partCount,
      done,
    };
  }

  private async sendSingle(
    task: Task,
    session: Extract<Session, { mode: "single" }>,
    signal: AbortSignal,
  ): Promise<void> {
    this.update(task, { phase: "uploading" });
    await this.withRetries(task, signal, "the file", async (attempt, lastError) => {
      const expired =
        lastError instanceof StoreError && lastError.status === 403
          ? true
          : session.urlExpiresAt - this.now() < this.opts.urlMarginMs;
      if (attempt > 0 || expired) {
        const status = await this.api.status(session.uploadId);
        if (status.mode === "single") {
          session.url = status.url;
          session.headers = status.headers;
          session.urlExpiresAt = Date.parse(status.urlExpiresAt);
        }
      }
      task.inflight.set(1, 0);
      task.doneBytes = 0;
      try {
        await this.transport.put({
          url: session.url,
          body: task.source,
          headers: session.headers,
          signal,
          onProgress: (loaded) => this.progress(task, 1, loaded),
        });
        task.doneBytes = task.item.size;
      } finally {
        task.inflight.delete(1);
        this.refreshLoaded(task);
      }
    });
  }

  private async sendParts(
    task: Task,
    session: Extract<Session, { mode: "multipart" }>,
    parentSignal: AbortSignal,
  ): Promise<void> {
    this.update(task, { phase: "uploading" });
    const queue: number[] = [];
    for (let n = 1; n <= session.partCount; n++) if (!session.done.has(n)) queue.push(n);
    // One failed part stops its siblings: the file cannot complete without it.
    const controller = new AbortController();
    const stop = () => controller.abort();
    parentSignal.addEventListener("abort", stop, { once: true });
    const urls = new PartUrls(this.api, session.uploadId, this.now, this.opts, () => queue);

    const sendPart = async (partNumber: number) => {
      const start = (partNumber - 1) * session.partSize;
      const size = this.partLength(task.item.size, session.partSize, partNumber);
      const body = task.source.slice(start, start + size);
      await this.withRetries(
        task,
        controller.signal,
        `part ${partNumber}`,
        async (_, lastError) => {
          const renew = lastError instanceof StoreError && lastError.status === 403;
          const url = await urls.get(partNumber, renew);
          task.inflight.set(partNumber, 0);
          try {
            const { etag } = await this.transport.put({
              url,
              body,
              headers: {},
              signal: controller.signal,
              onProgress: (loaded) => this.progress(task, partNumber, loaded),
            });
            session.done.set(partNumber, { etag, size });
            task.doneBytes += size;
          } finally {
            task.inflight.delete(partNumber);
            this.refreshLoaded(task);
          }
        },
      );
    };

    const worker = async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await sendPart(n);
    };
    try {
      const workers = Math.min(this.opts.partConcurrency, queue.length);
      await Promise.all(
        Array.from({ length: workers }, () =>
          worker().catch((err: unknown) => {
            stop();
            throw err;
          }),
        ),
      );
    } finally {
      parentSignal.removeEventListener("abort", stop);
    }
    if (parentSignal.aborted) throw new AbortError();
  }

  private async finish(task: Task, session: Session, signal: AbortSignal): Promise<DriveFile> {
    for (let round = 0; ; round++) {
      const parts = session.mode === "multipart" ? this.completedParts(session.done) : undefined;
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
          await this.sendSingle(task, session, signal);
        } else {
          const fresh = await this.resumeSession(task, session.uploadId);
          if (!fresh || fresh.mode !== "multipart") throw err;
          session.done = fresh.done;
          await this.sendParts(task, session, signal);
        }
        this.update(task, { phase: "finishing" });
      }
    }
  }

  private completedParts(done: Map<number, PartState>): CompletedPart[] | undefined {
    const parts: CompletedPart[] = [];
    for (const [partNumber, p] of done) {
      // Without an exposed ETag (a CORS setting) the server's own list of parts is used instead.
      if (p.etag === null) return undefined;
      parts.push({ partNumber, etag: p.etag });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  private async withRetries(
    task: Task,
    signal: AbortSignal,
    what: string,
    attemptOnce: (attempt: number, lastError: unknown) => Promise<void>,
  ): Promise<void> {
    let lastError: unknown = null;
    for (let attempt = 0; ; attempt++) {
      try {
        await attemptOnce(attempt, lastError);
        if (attempt > 0) this.update(task, { note: null });
        return;
      } catch (err) {
        if (signal.aborted || isAbort(err)) throw new AbortError();
        if (!isRetryable(err) || attempt >= this.opts.maxRetries) throw err;
        lastError = err;
        // Exponential backoff with jitter, so that parallel parts do not retry in lockstep.
        const delay = this.opts.retryBaseMs * 2 ** attempt * (0.75 + this.random() * 0.5);
        const reason =
          err instanceof StoreError && err.status === 403
            ? "upload link expired, renewing it"
            : err instanceof ApiError && err.status >= 500
              ? "the server is busy"
              : "connection problem";
        this.update(task, {
          note: `Retrying ${what} (${reason}, attempt ${attempt + 2} of ${this.opts.maxRetries + 1})…`,
        });
        await this.sleep(delay, signal);
      }
    }
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
    this.forgetEntry(uploadId);
  }

  // ---- progress ------------------------------------------------------------------------------

  private partLength(size: number, partSize: number, partNumber: number): number {
    const start = (partNumber - 1) * partSize;
    return Math.max(0, Math.min(partSize, size - start));
  }

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

  // ---- resume entries ------------------------------------------------------------------------

  private updateEntries(change: (entries: ResumeEntry[]) => ResumeEntry[]): void {
    this.store.save(change(this.store.load()));
  }

  private rememberEntry(task: Task, mode: "single" | "multipart"): void {
    const uploadId = task.uploadId;
    if (!uploadId) return;
    const entry: ResumeEntry = {
      uploadId,
      name: task.source.name,
      size: task.source.size,
      lastModified: task.source.lastModified,
      folderId: task.item.folderId,
      mode,
      tabId: this.opts.tabId,
      touchedAt: this.now(),
    };
    this.updateEntries((entries) => [...entries.filter((e) => e.uploadId !== uploadId), entry]);
  }

  private forgetEntry(uploadId: string): void {
    this.updateEntries((entries) => entries.filter((e) => e.uploadId !== uploadId));
  }

  private touchOwnEntries(): void {
    const mine = new Set(this.tasks.filter((t) => t.uploadId).map((t) => t.uploadId));
    if (mine.size === 0) return;
    const now = this.now();
    this.updateEntries((entries) =>
      entries.map((e) =>
        mine.has(e.uploadId) ? { ...e, tabId: this.opts.tabId, touchedAt: now } : e,
      ),
    );
  }

  private checking = new Set<string>();

  private async findInterrupted(): Promise<void> {
    const known = new Set([
      ...this.interrupted.map((u) => u.uploadId),
      ...this.tasks.map((t) => t.uploadId),
    ]);
    const stale = this.store.load().filter(
      (e) =>
        !known.has(e.uploadId) &&
        !this.checking.has(e.uploadId) &&
        // Released by a page that went away, or not kept alive by another tab for a while.
        (e.touchedAt === 0 ||
          (e.tabId !== this.opts.tabId && this.now() - e.touchedAt > this.opts.staleAfterMs)),
    );
    await Promise.all(
      stale.map(async (entry) => {
        this.checking.add(entry.uploadId);
        try {
          await this.checkInterrupted(entry);
        } finally {
          this.checking.delete(entry.uploadId);
        }
      }),
    );
    this.emit(true);
  }

  private async checkInterrupted(entry: ResumeEntry): Promise<void> {
    if (entry.mode === "single") {
      await this.api.abort(entry.uploadId).catch(() => undefined);
      this.forgetEntry(entry.uploadId);
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
        this.forgetEntry(entry.uploadId);
        return;
      }
    }
    if (this.tasks.some((t) => t.uploadId === entry.uploadId)) return;
    this.interrupted = [
      ...this.interrupted.filter((u) => u.uploadId !== entry.uploadId),
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
    let loaded = 0;
    let total = 0;
    let active = 0;
    let done = 0;
    let failed = 0;
    const items = this.tasks.map((task) => {
      const { phase } = task.item;
      // Failed items are listed apart; counting them would hold the overall bar short forever.
      if (phase !== "cancelled" && phase !== "failed") {
        total += task.item.size;
        loaded += phase === "done" ? task.item.size : task.item.loaded;
      }
      if (ACTIVE.includes(phase)) active++;
      if (phase === "done") done++;
      if (phase === "failed") failed++;
      if (phase !== "uploading") return task.item;
      const speed = task.meter.bytesPerSecond();
      task.item = {
        ...task.item,
        bytesPerSecond: speed,
        secondsLeft: speed ? (task.item.size - task.item.loaded) / speed : null,
      };
      return task.item;
    });
    const speed = active > 0 ? this.overallMeter.bytesPerSecond() : null;
    return {
      items,
      interrupted: this.interrupted,
      overall: {
        loaded,
        total,
        bytesPerSecond: speed,
        secondsLeft: speed ? (total - loaded) / speed : null,
        active,
        done,
        failed,
      },
    };
  }
}

/**
 * Presigned part URLs, fetched in batches ahead of need and renewed when they are about to expire
 * or the store refused one (403). Concurrent workers share one request.
 */
class PartUrls {
  private urls = new Map<number, { url: string; expiresAt: number }>();
  private pending: { numbers: Set<number>; promise: Promise<void> } | null = null;

  constructor(
    private readonly api: UploadApi,
    private readonly uploadId: string,
    private readonly now: () => number,
    private readonly opts: { urlBatchSize: number; urlMarginMs: number },
    private readonly upcoming: () => readonly number[],
  ) {}

  async get(partNumber: number, renew: boolean): Promise<string> {
    if (renew) this.urls.delete(partNumber);
    for (;;) {
      const cached = this.urls.get(partNumber);
      if (cached && cached.expiresAt - this.now() > this.opts.urlMarginMs) return cached.url;
      if (this.pending?.numbers.has(partNumber)) {
        await this.pending.promise;
        // A batch fetched moments ago is fresh; if it failed, the error surfaces below on refetch.
        const again = this.urls.get(partNumber);
        if (again) return again.url;
      }
      await this.fetch(partNumber);
      const fetched = this.urls.get(partNumber);
      if (fetched) return fetched.url;
    }
  }

  private async fetch(partNumber: number): Promise<void> {
    const margin = this.opts.urlMarginMs;
    const stale = (n: number) => {
      const c = this.urls.get(n);
      return !c || c.expiresAt - this.now() <= margin;
    };
    const numbers = [
      partNumber,
      ...this.upcoming()
        .filter((n) => n !== partNumber && stale(n))
        .slice(0, this.opts.urlBatchSize - 1),
    ];
    const promise = this.api.partUrls(this.uploadId, numbers).then((res) => {
      const expiresAt = Date.parse(res.expiresAt);
      for (const u of res.urls) this.urls.set(u.partNumber, { url: u.url, expiresAt });
    });
    const pending = { numbers: new Set(numbers), promise };
    this.pending = pending;
    try {
      await promise;
    } finally {
      if (this.pending === pending) this.pending = null;
    }
  }
}
