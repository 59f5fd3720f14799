import { describe, expect, it } from "vitest";
import type { DriveFile } from "@/lib/drive/types";
import { ApiError, type CompletedPart, type StartInput, type UploadApi } from "./upload-api";
import { UploadManager, type UploaderSnapshot, type UploadSource } from "./upload-manager";
import { memoryResumeStore, type ResumeEntry } from "./resume-store";
import { AbortError, StoreError, type PutRequest, type PutTransport } from "./transport";

// The upload manager against an in-memory server and store: no network, no timers beyond microtasks.

const PART = 5;
const THRESHOLD = 10;

type FakeUpload = {
  id: string;
  input: StartInput;
  multipart: boolean;
  parts: Map<number, { etag: string; size: number }>;
  object: number | null;
};

class FakeServer implements UploadApi {
  uploads = new Map<string, FakeUpload>();
  calls: string[] = [];
  urlTtlMs = 60_000;
  now = () => 1_000_000;
  startError: ApiError | null = null;
  completeErrors: ApiError[] = [];
  private seq = 0;

  async start(input: StartInput) {
    this.calls.push(`start ${input.name}`);
    if (this.startError) throw this.startError;
    const id = `up${++this.seq}`.padEnd(20, "0");
    const multipart = input.size >= THRESHOLD;
    this.uploads.set(id, { id, input, multipart, parts: new Map(), object: null });
    const expiresAt = new Date(this.now() + this.urlTtlMs).toISOString();
    if (!multipart) {
      return { uploadId: id, mode: "single" as const, url: `single:${id}`, headers: {}, expiresAt };
    }
    return {
      uploadId: id,
      mode: "multipart" as const,
      partSize: PART,
      partCount: Math.ceil(input.size / PART),
      expiresAt,
    };
  }

  private get(id: string) {
    const u = this.uploads.get(id);
    if (!u) throw new ApiError(404, "This upload does not exist any more. Start it again.");
    return u;
  }

  async status(id: string) {
    this.calls.push(`status ${id}`);
    const u = this.get(id);
    const base = {
      uploadId: id,
      name: u.input.name,
      size: u.input.size,
      contentType: u.input.contentType,
      folderId: u.input.folderId,
      expiresAt: new Date(this.now() + 3_600_000).toISOString(),
    };
    const urlExpiresAt = new Date(this.now() + this.urlTtlMs).toISOString();
    if (!u.multipart) {
      return {
        ...base,
        mode: "single" as const,
        uploaded: u.object !== null,
        url: `single:${id}:renewed`,
        headers: {},
        urlExpiresAt,
      };
    }
    return {
      ...base,
      mode: "multipart" as const,
      partSize: PART,
      partCount: Math.ceil(u.input.size / PART),
      uploadedParts: [...u.parts].map(([partNumber, p]) => ({ partNumber, ...p })),
    };
  }

  async partUrls(id: string, partNumbers: number[]) {
    this.calls.push(`urls ${partNumbers.join(",")}`);
    this.get(id);
    return {
      urls: partNumbers.map((n) => ({ partNumber: n, url: `part:${id}:${n}:${this.now()}` })),
      expiresAt: new Date(this.now() + this.urlTtlMs).toISOString(),
    };
  }

  async complete(id: string, parts?: CompletedPart[]) {
    this.calls.push(`complete ${id}${parts ? ` ${parts.map((p) => p.partNumber).join(",")}` : ""}`);
    const error = this.completeErrors.shift();
    if (error) throw error;
    const u = this.get(id);
    this.uploads.delete(id);
    const file: DriveFile = {
      id: `f-${id}`,
      name: u.input.name,
      size: u.input.size,
      contentType: u.input.contentType,
      folderId: u.input.folderId,
      createdAt: "",
      updatedAt: "",
      trashedAt: null,
    };
    return { file };
  }

  async abort(id: string) {
    this.calls.push(`abort ${id}`);
    this.get(id);
    this.uploads.delete(id);
  }
}

/** Stores what it receives; can be told to fail some requests. */
class FakeStore implements PutTransport {
  puts: string[] = [];
  inflight = 0;
  maxInflight = 0;
  failures: ((req: PutRequest) => Error | null)[] = [];
  /** Holds every request until released (to observe or cancel mid-upload). */
  gate: Promise<void> | null = null;

  constructor(private readonly server: FakeServer) {}

  async put(req: PutRequest) {
    this.puts.push(req.url);
    this.inflight++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    try {
      await Promise.resolve();
      if (this.gate) {
        const gate = this.gate;
        await new Promise<void>((resolve, reject) => {
          req.signal.addEventListener("abort", () => reject(new AbortError()), { once: true });
          void gate.then(resolve);
        });
      }
      if (req.signal.aborted) throw new AbortError();
      const failure = this.failures.map((f) => f(req)).find((e) => e !== null);
      if (failure) throw failure;
      req.onProgress(Math.floor(req.body.size / 2));
      req.onProgress(req.body.size);
      const [kind, id = "", n = "1"] = req.url.split(":");
      const upload = this.server.uploads.get(id);
      if (!upload) throw new StoreError(404);
      const etag = `"e${n}"`;
      if (kind === "part") upload.parts.set(Number(n), { etag, size: req.body.size });
      else upload.object = req.body.size;
      return { etag };
    } finally {
      this.inflight--;
    }
  }
}

function source(name: string, size: number, lastModified = 1): UploadSource {
  return new File([new Uint8Array(size)], name, { lastModified, type: "text/plain" });
}

function setup(overrides: Partial<ConstructorParameters<typeof UploadManager>[0]> = {}) {
  const server = new FakeServer();
  const store = new FakeStore(server);
  const resume = memoryResumeStore();
  const uploaded: DriveFile[] = [];
  const delays: number[] = [];
  const manager = new UploadManager({
    api: server,
    transport: store,
    resumeStore: resume,
    onFileUploaded: (f) => uploaded.push(f),
    now: () => server.now(),
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    urlBatchSize: 3,
    tabId: "this-tab",
    ...overrides,
  });
  return { server, store, resume, uploaded, delays, manager };
}

async function settled(manager: UploadManager): Promise<UploaderSnapshot> {
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 0));
    const snap = manager.getSnapshot();
    if (snap.overall.active === 0) return snap;
  }
  throw new Error("uploads did not settle");
}

describe("UploadManager", () => {
  it("sends a small file with one PUT and completes it", async () => {
    const { manager, server, store, uploaded, resume } = setup();
    manager.add([source("a.txt", 4)], "folder1");
    const snap = await settled(manager);
    expect(store.puts).toEqual(["single:up100000000000000000"]);
    expect(server.calls).toEqual(["start a.txt", "complete up100000000000000000"]);
    expect(snap.items[0]).toMatchObject({ phase: "done", loaded: 4, error: null });
    expect(snap.overall).toMatchObject({ loaded: 4, total: 4, done: 1, active: 0 });
    expect(uploaded.map((f) => [f.name, f.folderId])).toEqual([["a.txt", "folder1"]]);
    expect(resume.load()).toEqual([]);
    manager.dispose();
  });

  it("sends parts in parallel (at most 4), fetching URLs in batches, and completes with ETags", async () => {
    const { manager, server, store } = setup();
    let release = () => {};
    store.gate = new Promise((r) => (release = r));
    manager.add([source("big.bin", 42)], null);
    await new Promise((r) => setTimeout(r, 5));
    expect(store.inflight).toBe(4);
    expect(manager.getSnapshot().items[0]?.phase).toBe("uploading");
    release();
    store.gate = null;
    const snap = await settled(manager);
    expect(snap.items[0]?.phase).toBe("done");
    expect(store.maxInflight).toBe(4);
    expect(store.puts).toHaveLength(9);
    const urlCalls = server.calls.filter((c) => c.startsWith("urls"));
    expect(urlCalls.every((c) => c.split(",").length <= 3)).toBe(true);
    expect(server.calls.at(-1)).toBe("complete up100000000000000000 1,2,3,4,5,6,7,8,9");
    manager.dispose();
  });

  it("retries a failed part with backoff, then succeeds", async () => {
    const { manager, store, delays } = setup();
    let failures = 2;
    store.failures.push((req) =>
      req.url.includes(":3:") && failures-- > 0 ? new StoreError(0) : null,
    );
    manager.add([source("r.bin", 20)], null);
    const snap = await settled(manager);
    expect(snap.items[0]).toMatchObject({ phase: "done", note: null });
    expect(delays).toEqual([1000, 2000]);
    expect(store.puts.filter((u) => u.includes(":3:"))).toHaveLength(3);
    manager.dispose();
  });

  it("renews the URL when the store refuses it (403) and when it is about to expire", async () => {
    const { manager, server, store } = setup();
    let refused = false;
    store.failures.push((req) => {
      if (req.url.includes(":2:") && !refused) {
        refused = true;
        return new StoreError(403);
      }
      return null;
    });
    manager.add([source("e.bin", 20)], null);
    await settled(manager);
    expect(server.calls.filter((c) => c === "urls 2")).toHaveLength(1);

    manager.dispose();
  });

  it("renews batched URLs that would expire before their part starts", async () => {
    let clock = 0;
    const { manager, server, store } = setup({ partConcurrency: 1, now: () => clock });
    server.now = () => clock;
    // Each part takes 20 s; URLs live 60 s and are not used within 30 s of expiry.
    store.failures.push(() => {
      clock += 20_000;
      return null;
    });
    manager.add([source("slow.bin", 20)], null);
    const snap = await settled(manager);
    expect(snap.items[0]?.phase).toBe("done");
    expect(server.calls.filter((c) => c.startsWith("urls"))).toEqual(["urls 1,2,3", "urls 3,4"]);
    manager.dispose();
  });

  it("gives up after 3 retries with an explanation, keeps what was sent, and resumes on Retry", async () => {
    const { manager, store, server, resume } = setup();
    let broken = true;
    store.failures.push((req) => (broken && req.url.includes(":4:") ? new StoreError(0) : null));
    manager.add([source("flaky.bin", 20)], null);
    let snap = await settled(manager);
    expect(snap.items[0]).toMatchObject({
      phase: "failed",
      error: "The connection to the storage server was lost. Retry when you are back online.",
    });
    expect(store.puts.filter((u) => u.includes(":4:"))).toHaveLength(4);
    expect(resume.load()).toHaveLength(1);

    broken = false;
    store.puts = [];
    server.calls = [];
    manager.retry(snap.items[0]?.id ?? "");
    snap = await settled(manager);
    expect(snap.items[0]?.phase).toBe("done");
    expect(server.calls[0]).toMatch(/^status /);
    expect(store.puts).toEqual([expect.stringMatching(/:4:/)]);
    expect(resume.load()).toEqual([]);
    manager.dispose();
  });

  it("offers interrupted uploads after a reload and sends only the missing parts", async () => {
    const { manager, server, store } = setup();
    // A previous page started this upload and sent parts 1 and 2 before being reloaded.
    const started = await server.start({
      name: "movie.mp4",
      size: 23,
      contentType: "video/mp4",
      folderId: "f9",
    });
    const upload = server.uploads.get(started.uploadId);
    upload?.parts.set(1, { etag: '"e1"', size: 5 });
    upload?.parts.set(2, { etag: '"e2"', size: 5 });
    const resume = memoryResumeStore([
      {
        uploadId: started.uploadId,
        name: "movie.mp4",
        size: 23,
        lastModified: 7,
        folderId: "f9",
        mode: "multipart",
        tabId: "old-page",
        touchedAt: 0,
      },
    ]);
    const reloaded = new UploadManager({
      api: server,
      transport: store,
      resumeStore: resume,
      now: () => server.now(),
      sleep: async () => {},
      tabId: "new-page",
    });
    await reloaded.init();
    expect(reloaded.getSnapshot().interrupted).toEqual([
      {
        uploadId: started.uploadId,
        name: "movie.mp4",
        size: 23,
        lastModified: 7,
        folderId: "f9",
        uploadedBytes: 10,
      },
    ]);

    // Another file with the same name but another date is not the same file.
    reloaded.add([source("movie.mp4", 23, 7)], null);
    const snap = await settled(reloaded);
    expect(snap.interrupted).toEqual([]);
    expect(snap.items[0]).toMatchObject({ phase: "done", resumedBytes: 10, folderId: "f9" });
    expect(store.puts.map((u) => u.split(":")[2]).sort()).toEqual(["3", "4", "5"]);
    reloaded.dispose();
    manager.dispose();
  });

  it("drops interrupted uploads the server no longer has, and cancels interrupted single PUTs", async () => {
    const { server, store } = setup();
    const single = await server.start({ name: "s", size: 3, contentType: "a/b", folderId: null });
    const entry = (uploadId: string, mode: "single" | "multipart"): ResumeEntry => ({
      uploadId,
      name: uploadId,
      size: 30,
      lastModified: 1,
      folderId: null,
      mode,
      tabId: "old",
      touchedAt: 0,
    });
    const resume = memoryResumeStore([
      entry("gone0000000000000000", "multipart"),
      entry(single.uploadId, "single"),
      { ...entry("other-tab-0000000000", "multipart"), touchedAt: server.now() },
    ]);
    const manager = new UploadManager({
      api: server,
      transport: store,
      resumeStore: resume,
      now: () => server.now(),
      tabId: "new",
    });
    await manager.init();
    expect(manager.getSnapshot().interrupted).toEqual([]);
    expect(server.uploads.has(single.uploadId)).toBe(false);
    // The upload another open tab is running right now is left alone.
    expect(resume.load().map((e) => e.uploadId)).toEqual(["other-tab-0000000000"]);
    manager.dispose();
  });

  it("cancel aborts the requests in flight and the upload on the server", async () => {
    const { manager, server, store, resume } = setup();
    store.gate = new Promise(() => {});
    const [id] = manager.add([source("c.bin", 30)], null);
    await new Promise((r) => setTimeout(r, 5));
    expect(store.inflight).toBe(4);
    manager.cancel(id ?? "");
    const snap = await settled(manager);
    expect(snap.items[0]?.phase).toBe("cancelled");
    expect(store.inflight).toBe(0);
    expect(server.calls.at(-1)).toMatch(/^abort /);
    expect(server.uploads.size).toBe(0);
    expect(resume.load()).toEqual([]);
    expect(snap.overall.total).toBe(0);
    manager.dispose();
  });

  it("explains a refusal from the server and does not retry it", async () => {
    const { manager, server, store } = setup();
    server.startError = new ApiError(413, "Not enough space for “x”: only 3 MB is left.");
    manager.add([source("x", 50)], null);
    const snap = await settled(manager);
    expect(snap.items[0]).toMatchObject({
      phase: "failed",
      error: "Not enough space for “x”: only 3 MB is left.",
    });
    expect(store.puts).toEqual([]);
    expect(server.calls).toEqual(["start x"]);
    manager.dispose();
  });

  it("retries a busy server when starting and completing", async () => {
    const { manager, server, delays } = setup();
    const busy = () => new ApiError(503, "The storage server could not be reached or failed.");
    const start = server.start.bind(server);
    let startFailures = 1;
    server.start = async (input) => {
      if (startFailures-- > 0) throw busy();
      return start(input);
    };
    server.completeErrors.push(busy(), busy());
    manager.add([source("busy.txt", 3)], null);
    const snap = await settled(manager);
    expect(snap.items[0]).toMatchObject({ phase: "done", note: null });
    expect(delays).toEqual([1000, 1000, 2000]);
    manager.dispose();
  });

  it("re-sends parts the server reports missing at completion, once", async () => {
    const { manager, server, store } = setup();
    manager.add([source("m.bin", 12)], null);
    server.completeErrors.push(new ApiError(409, "The upload is incomplete"));
    // The store "loses" part 2 before completion.
    const original = server.complete.bind(server);
    let lost = false;
    server.complete = async (id, parts) => {
      if (!lost) {
        lost = true;
        server.uploads.get(id)?.parts.delete(2);
      }
      return original(id, parts);
    };
    const snap = await settled(manager);
    expect(snap.items[0]?.phase).toBe("done");
    expect(store.puts.filter((u) => u.includes(":2:"))).toHaveLength(2);
    manager.dispose();
  });

  it("runs a few files at a time and reports overall progress", async () => {
    const { manager, store } = setup();
    let release = () => {};
    store.gate = new Promise((r) => (release = r));
    manager.add(
      Array.from({ length: 5 }, (_, i) => source(`f${i}`, 4)),
      null,
    );
    await new Promise((r) => setTimeout(r, 5));
    expect(store.inflight).toBe(3);
    expect(manager.getSnapshot().overall).toMatchObject({ total: 20, active: 5 });
    release();
    store.gate = null;
    const snap = await settled(manager);
    expect(snap.overall).toMatchObject({ loaded: 20, total: 20, done: 5 });
    manager.clearFinished();
    expect(manager.getSnapshot().items).toEqual([]);
    manager.dispose();
  });
});
