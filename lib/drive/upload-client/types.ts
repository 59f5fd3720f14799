import type { DriveFile } from "@/lib/drive/types";
import type { ResumeStore } from "./resume-store";
import { SpeedMeter } from "./speed-meter";
import type { PutTransport } from "./transport";
import type { UploadApi } from "./upload-api";

// The upload manager's vocabulary: what the UI reads (items, snapshots) and what the manager keeps
// per file (tasks and their sessions with the server).

export type UploadPhase =
  "queued" | "checking" | "uploading" | "finishing" | "done" | "failed" | "cancelled";

/** Phases in which a file still counts as being uploaded. */
export const ACTIVE: readonly UploadPhase[] = ["queued", "checking", "uploading", "finishing"];

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

/** What the manager needs of a File (a Blob with a name); Node's File qualifies too. */
export type UploadSource = Blob & { name: string; lastModified: number };

export type UploadManagerOptions = {
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

/** The tuning knobs with their defaults filled in. */
export type Tuning = Required<
  Pick<
    UploadManagerOptions,
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

export type PartState = { etag: string | null; size: number };

export type SingleSession = {
  mode: "single";
  uploadId: string;
  url: string;
  headers: Record<string, string>;
  urlExpiresAt: number;
};

export type MultipartSession = {
  mode: "multipart";
  uploadId: string;
  partSize: number;
  partCount: number;
  done: Map<number, PartState>;
};

/** One upload as the server knows it, with what has been sent of it. */
export type Session = SingleSession | MultipartSession;

/** One file in the manager's list. */
export type Task = {
  item: UploadItem;
  source: UploadSource;
  uploadId: string | null;
  controller: AbortController | null;
  /** Bytes sent so far of each request in flight (part number → bytes). */
  inflight: Map<number, number>;
  /** Bytes of parts the store has confirmed. */
  doneBytes: number;
  meter: SpeedMeter;
  running: boolean;
};

export function randomId(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

/** Bytes of part `partNumber` (1-based) of a file of `size` bytes cut in `partSize` parts. */
export function partLength(size: number, partSize: number, partNumber: number): number {
  const start = (partNumber - 1) * partSize;
  return Math.max(0, Math.min(partSize, size - start));
}

/** A file just added to the list (queued unless `item` says otherwise). */
export function newTask(source: UploadSource, item: Partial<UploadItem>, now: () => number): Task {
  return {
    item: {
      id: randomId(),
      name: source.name,
      size: source.size,
      folderId: null,
      phase: "queued",
      loaded: 0,
      bytesPerSecond: null,
      secondsLeft: null,
      error: null,
      note: null,
      resumedBytes: 0,
      retryable: true,
      file: null,
      ...item,
    },
    source,
    uploadId: null,
    controller: null,
    inflight: new Map(),
    doneBytes: 0,
    meter: new SpeedMeter(now),
    running: false,
  };
}
