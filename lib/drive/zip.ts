import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { join } from "node:path";
import { predictLength } from "client-zip";
import { db } from "@/lib/db/client";
import { logger } from "@/lib/log/logger";
import { storageConfig } from "@/lib/storage/config";
import { safeFilename } from "@/lib/storage/content-disposition";
import { zipCgroups, type ZipCgroups } from "./zip-cgroups";

// Beyond these a zip takes too long to stream in one request, and unzip tools struggle; the
// owner is asked to download in parts instead.
export const ZIP_LIMITS = { maxEntries: 10_000, maxBytes: 10 * 1024 ** 3 } as const;

type ZipFile = { kind: "file"; path: string; size: number; key: string; modified: Date };
type ZipFolder = { kind: "folder"; path: string; modified: Date };
export type ZipEntry = ZipFile | ZipFolder;
export type ZipPlan = { filename: string; entries: ZipEntry[]; totalBytes: number };

export type ZipPlanResult =
  { ok: true; plan: ZipPlan } | { ok: false; reason: "not-found" | "too-many" | "too-big" };

/** "a.txt" → "a (1).txt" → "a (2).txt" until the path is free in the zip (case-insensitively). */
function uniquePath(dir: string, rawName: string, taken: Set<string>): string {
  const name = safeFilename(rawName);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  for (let n = 0; ; n++) {
    const candidate = `${dir}${n === 0 ? name : `${stem} (${n})${ext}`}`;
    const key = candidate.normalize("NFC").toLowerCase();
    if (!taken.has(key)) {
      taken.add(key);
      return candidate;
    }
  }
}

const fileSelect = { id: true, name: true, size: true, storageKey: true, updatedAt: true } as const;
const folderSelect = { id: true, name: true, updatedAt: true } as const;

/**
 * What a zip of the owner's selection holds: the chosen files at the top, each chosen folder with
 * everything live inside it. Any id that is not a live item of the owner fails the whole request,
 * so nobody learns which of someone else's ids exist.
 */
export async function planZip(
  ownerId: string,
  selection: { fileIds: string[]; folderIds: string[] },
): Promise<ZipPlanResult> {
  const fileIds = [...new Set(selection.fileIds)];
  const folderIds = [...new Set(selection.folderIds)];
  const [topFiles, topFolders] = await Promise.all([
    db.file.findMany({
      where: { id: { in: fileIds }, ownerId, trashedAt: null },
      select: fileSelect,
      orderBy: { name: "asc" },
    }),
    db.folder.findMany({
      where: { id: { in: folderIds }, ownerId, trashedAt: null },
      select: folderSelect,
      orderBy: { name: "asc" },
    }),
  ]);
  if (topFiles.length !== fileIds.length || topFolders.length !== folderIds.length) {
    return { ok: false, reason: "not-found" };
  }

  const entries: ZipEntry[] = [];
  const taken = new Set<string>();
  let totalBytes = 0;
  const addFile = (dir: string, f: (typeof topFiles)[number]) => {
    const size = Number(f.size);
    totalBytes += size;
    const path = uniquePath(dir, f.name, taken);
    entries.push({ kind: "file", path, size, key: f.storageKey, modified: f.updatedAt });
  };
  const tooMany = () => entries.length > ZIP_LIMITS.maxEntries;

  for (const f of topFiles) addFile("", f);
  let frontier: { id: string; path: string }[] = [];
  for (const folder of topFolders) {
    const path = uniquePath("", folder.name, taken);
    entries.push({ kind: "folder", path, modified: folder.updatedAt });
    frontier.push({ id: folder.id, path });
  }

  // Level by level, so a deep tree costs two queries per level rather than two per folder.
  const seen = new Set(frontier.map((f) => f.id));
  while (frontier.length > 0 && !tooMany()) {
    const ids = frontier.map((f) => f.id);
    const pathOf = new Map(frontier.map((f) => [f.id, f.path]));
    const budget = ZIP_LIMITS.maxEntries + 1 - entries.length;
    const [children, files] = await Promise.all([
      db.folder.findMany({
        where: { ownerId, parentId: { in: ids }, trashedAt: null },
        select: { ...folderSelect, parentId: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: budget,
      }),
      db.file.findMany({
        where: { ownerId, folderId: { in: ids }, trashedAt: null },
        select: { ...fileSelect, folderId: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
        take: budget,
      }),
    ]);
    for (const f of files) addFile(`${pathOf.get(f.folderId ?? "") ?? ""}/`, f);
    frontier = [];
    for (const c of children) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const path = uniquePath(`${pathOf.get(c.parentId ?? "") ?? ""}/`, c.name, taken);
      entries.push({ kind: "folder", path, modified: c.updatedAt });
      frontier.push({ id: c.id, path });
    }
  }
  if (tooMany()) return { ok: false, reason: "too-many" };
  if (totalBytes > ZIP_LIMITS.maxBytes) return { ok: false, reason: "too-big" };

  const only = topFolders.length === 1 && topFiles.length === 0 ? topFolders[0] : undefined;
  const filename = only ? `${only.name}.zip` : "Stratus files.zip";
  return { ok: true, plan: { filename, entries, totalBytes } };
}

function metadata(entry: ZipEntry) {
  return entry.kind === "folder"
    ? { name: `${entry.path}/` }
    : { name: entry.path, size: entry.size };
}

/** The zip's exact length, known before the first byte is sent. */
export function zipLength(plan: ZipPlan): bigint {
  return predictLength(plan.entries.map(metadata));
}

/** Where the zip process's script is (see renderProcessPath: the project root is the working
 * directory in dev, in tests and in the standalone server). */
export function zipProcessPath(): string {
  return join(/* turbopackIgnore: true */ process.cwd(), "lib", "drive", "zip-process.mjs");
}

/** The zip processes running now (tests and the bench). */
export const zipProcesses = new Set<number>();

/**
 * The zip as a stream. It is built in a child process (zip-process.mjs): objects are opened one
 * at a time, only when the previous one has been written, their bytes flow through without being
 * held in memory, and their CRC-32 is computed there — at a lower CPU priority than this server,
 * whose one thread then only forwards the bytes, so a download of gigabytes does not hold up
 * other users' page loads and sign-ins. Files are stored, not compressed: most of what people
 * keep is already compressed, and the length stays predictable (sent as Content-Length).
 * Aborting `signal` or cancelling the stream (the browser went away) stops the process; `done`
 * settles when the process has ended, however it ended.
 * With `userId`, the process moves itself into that user's capped CPU cgroup (zip-cgroups.ts)
 * before it reads anything.
 */
export function zipStream(
  plan: ZipPlan,
  signal?: AbortSignal,
  userId?: string,
  cgroups: ZipCgroups | null = userId === undefined ? null : zipCgroups(),
): { stream: ReadableStream<Uint8Array>; done: Promise<void> } {
  const config = storageConfig();
  const child = takeZipProcess();
  const pid = child.pid;
  if (pid !== undefined) zipProcesses.add(pid);
  const cgroup = userId === undefined ? null : (cgroups?.acquire(userId) ?? null);
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, sig) => {
      if (pid !== undefined) zipProcesses.delete(pid);
      if (cgroup !== null) cgroups?.release(userId!);
      resolve({ code, signal: sig });
    }),
  );
  const kill = () => child.kill("SIGKILL");
  if (signal?.aborted) kill();
  signal?.addEventListener("abort", kill, { once: true });
  child.stdin!.on("error", () => undefined);
  child.stdin!.end(
    JSON.stringify({
      store: {
        endpoint: config.endpoint,
        region: config.region,
        bucket: config.bucket,
        forcePathStyle: config.forcePathStyle,
        credentials: config.credentials,
      },
      entries: plan.entries.map((e) => ({ ...e, modified: e.modified.getTime() })),
      length: zipLength(plan).toString(),
      // The process moves itself (a write of the server's thread would wait for the kernel).
      cgroup,
    }),
  );

  const stdout = child.stdout!;
  let open = true;
  // The pipe's reads (64 KiB at most) gathered into ZIP_CHUNK_BYTES before they are forwarded.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let idle: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const flush = () => {
          clearTimeout(idle);
          idle = undefined;
          if (pendingBytes === 0 || !open) return;
          const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
          pending = [];
          pendingBytes = 0;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          // Backpressure: the process waits while the browser is slower than the store.
          if ((controller.desiredSize ?? 0) <= 0) stdout.pause();
        };
        stdout.on("data", (chunk: Buffer) => {
          if (!open) return;
          pending.push(chunk);
          pendingBytes += chunk.byteLength;
          if (pendingBytes >= ZIP_CHUNK_BYTES) flush();
          // A slow store: what came is sent after a moment rather than held.
          else idle ??= setTimeout(flush, ZIP_CHUNK_WAIT_MS);
        });
        void exited.then(({ code, signal: sig }) => {
          signal?.removeEventListener("abort", kill);
          if (!open) return;
          if (code === 0) flush();
          clearTimeout(idle);
          open = false;
          if (code === 0) return controller.close();
          // Failing the stream is better than a zip whose files are silently wrong.
          const said = /^zip-error: (.*)$/m.exec(stderr)?.[1];
          const reason = said ?? `zip process ended (${sig ?? code}): ${stderr.trim().slice(-500)}`;
          if (!signal?.aborted) logger.error("zip: the download failed", { reason });
          controller.error(new Error(reason));
        });
      },
      pull() {
        stdout.resume();
      },
      cancel() {
        open = false;
        clearTimeout(idle);
        kill();
      },
    },
    // About a megabyte buffered here (and up to one chunk being gathered): enough to keep the
    // socket busy, little to hold.
    new CountQueuingStrategy({ highWaterMark: 2 }),
  );
  return { stream, done: exited.then(() => undefined) };
}

/**
 * Bytes forwarded to the response at a time. The zip process's pipe is read 64 KiB at a time, and
 * each chunk cost the server's thread a trip through web streams (Next's pipe to the response)
 * and a socket write: under the bench's attack, A's two downloads (~8 MiB/s) were the largest
 * cost of another user's on the thread (web-stream reads 4.4 % and socket writes ~3 % of its wall
 * time, docs/isolation-bench.md). Gathered into half a megabyte, a download costs an eighth of
 * the chunks; the copy that gathers them is a memcpy.
 */
export const ZIP_CHUNK_BYTES = 512 << 10;
/** What came is sent after this long even when less than a chunk (a slow store). */
const ZIP_CHUNK_WAIT_MS = 200;

/** The zip process's priority (nice): below the server's. */
const ZIP_NICE = 10;

// One zip process is kept started ahead of need, waiting for its job on stdin with its modules
// loaded: a download takes it and a new spare is started in the background, so no process is
// forked on a request's path (a fork of the large server process is paid on its one thread).
const GLOBAL = globalThis as typeof globalThis & { __stratusZipSpare?: ChildProcess | null };

function startZipProcess(): ChildProcess {
  const child = spawn(process.execPath, [zipProcessPath()], {
    // None of the server's secrets but the store's own, which it gets on stdin.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      NODE_ENV: process.env.NODE_ENV ?? "production",
      // The SDK's notices (its Node version support) are not the download's business.
      NODE_NO_WARNINGS: "1",
      ...awsChainEnv(),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  try {
    // Below the server's own priority: with every core busy zipping, a sign-in still runs.
    if (child.pid !== undefined) setPriority(child.pid, ZIP_NICE);
  } catch (error) {
    logger.warn("zip: could not lower the zip process's priority", { error });
  }
  child.on("error", (error) => logger.error("zip: the zip process failed to start", { error }));
  return child;
}

/** Starts the spare zip process (the readiness route calls this: app/api/ready/route.ts). */
export function warmZipProcess(): void {
  const spare = GLOBAL.__stratusZipSpare;
  if (spare && spare.exitCode === null && spare.signalCode === null) return;
  const child = startZipProcess();
  // A spare keeps nobody waiting: a server or test may exit with it unused.
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr])
    (s as { unref?: () => void })?.unref?.();
  child.once("exit", () => {
    if (GLOBAL.__stratusZipSpare === child) GLOBAL.__stratusZipSpare = null;
  });
  GLOBAL.__stratusZipSpare = child;
}

/** The spare zip process, else a new one; a new spare follows in the background. */
function takeZipProcess(): ChildProcess {
  const spare = GLOBAL.__stratusZipSpare;
  GLOBAL.__stratusZipSpare = null;
  setImmediate(warmZipProcess);
  if (!spare || spare.exitCode !== null || spare.signalCode !== null) return startZipProcess();
  spare.ref();
  for (const s of [spare.stdin, spare.stdout, spare.stderr]) (s as { ref?: () => void })?.ref?.();
  return spare;
}

/** The spare zip process's id (tests). */
export function spareZipProcess(): number | undefined {
  return GLOBAL.__stratusZipSpare?.pid ?? undefined;
}

// Without keys in the settings the SDK's default chain finds them (an instance role, ~/.aws): the
// zip process needs what that chain reads.
function awsChainEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && (name.startsWith("AWS_") || name === "HOME")) out[name] = value;
  }
  return out;
}
