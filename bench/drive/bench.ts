import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, openAsBlob } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { fetchTransport } from "@/lib/drive/upload-client/transport";
import type { UploadApi } from "@/lib/drive/upload-client/upload-api";
import { UploadManager, type UploadSource } from "@/lib/drive/upload-client/upload-manager";
import { db } from "@/lib/db/client";
import { listFolder } from "@/lib/drive/folders";
import {
  abortUpload,
  completeUpload,
  partUrls,
  startUpload,
  uploadStatus,
} from "@/lib/drive/uploads";
import { userPrefix, newObjectKey } from "@/lib/storage/keys";
import { deleteObject, deletePrefix } from "@/lib/storage/objects";
import { presignPut } from "@/lib/storage/presign";
import type { SortDir, SortKey } from "@/lib/drive/schemas";

const MiB = 1024 ** 2;
const FILE_SIZE = 256 * MiB;
const RUNS = 3;
const LIST_FILES = 10_000;
const LIST_ITERATIONS = 40;

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const median = (xs: number[]) => percentile(xs, 50);

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? NaN;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  return [
    line(rows[0] ?? []),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

async function makeFile(dir: string): Promise<string> {
  const file = path.join(dir, "bench-256MiB.bin");
  let left = FILE_SIZE;
  const chunks = Readable.from(
    (function* () {
      while (left > 0) {
        const n = Math.min(left, 4 * MiB);
        left -= n;
        yield randomBytes(n);
      }
    })(),
  );
  await pipeline(chunks, createWriteStream(file));
  return file;
}

async function source(file: string): Promise<UploadSource> {
  const blob = await openAsBlob(file);
  return Object.assign(blob, {
    name: path.basename(file),
    lastModified: (await stat(file)).mtimeMs,
  });
}

async function plainPut(userId: string, file: string): Promise<number> {
  const key = newObjectKey(userId);
  const signed = await presignPut(userId, {
    key,
    contentType: "application/octet-stream",
    contentLength: FILE_SIZE,
  });
  const body = await openAsBlob(file);
  const t0 = performance.now();
  const res = await fetch(signed.url, { method: "PUT", body, headers: signed.headers });
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`plain PUT failed: ${res.status}`);
  await deleteObject(key);
  return ms;
}

type DriveRun = { total: number; parts: number; finish: number };

async function driveUpload(userId: string, file: string): Promise<DriveRun> {
  const api: UploadApi = {
    start: (input) => startUpload(userId, input),
    status: (id) => uploadStatus(userId, id),
    partUrls: (id, partNumbers) => partUrls(userId, id, { partNumbers }),
    complete: (id, parts) => completeUpload(userId, id, { parts }),
    abort: (id) => abortUpload(userId, id),
  };
  const manager = new UploadManager({ api, transport: fetchTransport });
  const src = await source(file);
  const t0 = performance.now();
  let partsDone = 0;
  const done = new Promise<void>((resolve, reject) => {
    manager.subscribe(() => {
      const item = manager.getSnapshot().items[0];
      // "finishing" starts once the last part is stored: the rest is the store assembling them.
      if (item?.phase === "finishing" && partsDone === 0) partsDone = performance.now();
      if (item?.phase === "done") resolve();
      if (item?.phase === "failed") reject(new Error(`Drive upload failed: ${item.error}`));
    });
  });
  manager.add([src], null);
  await done;
  const end = performance.now();
  const run = { total: end - t0, parts: partsDone - t0, finish: end - partsDone };
  manager.dispose();
  const item = manager.getSnapshot().items[0];
  if (item?.file) {
    const row = await db.file.delete({ where: { id: item.file.id } });
    await deleteObject(row.storageKey);
  }
  return run;
}

async function seedFolder(userId: string): Promise<string> {
  const folder = await db.folder.create({ data: { ownerId: userId, name: "Ten thousand" } });
  const exts = [".txt", ".pdf", ".jpg", ".png", ".mp4", ".csv", ".zip", ""];
  const types = [
    "text/plain",
    "application/pdf",
    "image/jpeg",
    "image/png",
    "video/mp4",
    "text/csv",
    "application/zip",
    "application/octet-stream",
  ];
  const base = Date.now() - LIST_FILES * 60_000;
  for (let start = 0; start < LIST_FILES; start += 1000) {
    await db.file.createMany({
      data: Array.from({ length: 1000 }, (_, j) => {
        const i = start + j;
        const kind = i % exts.length;
        return {
          ownerId: userId,
          folderId: folder.id,
          name: `file-${String(i).padStart(5, "0")}-${randomUUID().slice(0, 6)}${exts[kind]}`,
          size: BigInt(1 + ((i * 7919) % 50_000_000)),
          contentType: types[kind] ?? "application/octet-stream",
          storageKey: `${userPrefix(userId)}${randomUUID()}`,
          createdAt: new Date(base + i * 60_000),
          updatedAt: new Date(base + ((i * 104_729) % LIST_FILES) * 60_000),
        };
      }),
    });
  }
  return folder.id;
}

type ListCase = { label: string; sort: SortKey; dir: SortDir; page: number; q?: string };

async function listLatencies(userId: string, folderId: string) {
  const cases: ListCase[] = [
    { label: "name ↑, page 1", sort: "name", dir: "asc", page: 1 },
    { label: "modified ↓, page 1", sort: "modified", dir: "desc", page: 1 },
    { label: "size ↓, page 50", sort: "size", dir: "desc", page: 50 },
    { label: "type ↑, last page", sort: "type", dir: "asc", page: 100 },
    { label: "search 'file-042'", sort: "name", dir: "asc", page: 1, q: "file-042" },
  ];
  const all: number[] = [];
  const rows: string[][] = [];
  for (const c of cases) {
    const run = async () => {
      const t0 = performance.now();
      const listing = await listFolder(userId, {
        folderId,
        sort: c.sort,
        dir: c.dir,
        page: c.page,
        q: c.q,
      });
      const ms = performance.now() - t0;
      if (!listing) throw new Error("the folder was not found");
      if (!c.q && listing.totalFiles !== LIST_FILES)
        throw new Error(`expected ${LIST_FILES} files`);
      return ms;
    };
    for (let i = 0; i < 5; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < LIST_ITERATIONS; i++) times.push(await run());
    all.push(...times);
    rows.push([
      `list ${c.label}`,
      `${median(times).toFixed(1)} ms`,
      `${percentile(times, 95).toFixed(1)} ms`,
    ]);
  }
  return { rows, p50: median(all), p95: percentile(all, 95) };
}

export async function main(): Promise<void> {
  const user = await db.user.create({
    data: {
      email: `bench-${randomUUID().slice(0, 12)}@bench.stratus.test`,
      name: "Bench",
      passwordHash: "x",
    },
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), "stratus-bench-"));
  try {
    console.log(`Writing a ${FILE_SIZE / MiB} MiB file of random bytes…`);
    const file = await makeFile(dir);

    console.log("Warming up…");
    await plainPut(user.id, file);
    await driveUpload(user.id, file);

    const plain: number[] = [];
    const drive: DriveRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      console.log(`Upload run ${i + 1} of ${RUNS}…`);
      // Alternate the order so neither path always runs on a warmer disk cache.
      if (i % 2 === 0) {
        plain.push(await plainPut(user.id, file));
        drive.push(await driveUpload(user.id, file));
      } else {
        drive.push(await driveUpload(user.id, file));
        plain.push(await plainPut(user.id, file));
      }
    }

    console.log(`Seeding a folder with ${LIST_FILES.toLocaleString("en")} files…`);
    const folderId = await seedFolder(user.id);
    const list = await listLatencies(user.id, folderId);

    const plainMBps = mbps(FILE_SIZE, median(plain));
    const driveMBps = mbps(FILE_SIZE, median(drive.map((d) => d.total)));
    const partsMBps = mbps(FILE_SIZE, median(drive.map((d) => d.parts)));
    const finishMs = median(drive.map((d) => d.finish));
    const ratio = driveMBps / plainMBps;
    console.log("");
    console.log(
      table([
        ["measure", "median / p50", "p95 / target"],
        [
          "single plain PUT, 256 MiB",
          `${plainMBps.toFixed(1)} MB/s`,
          `(${plain.map((m) => (m / 1000).toFixed(2)).join(", ")} s)`,
        ],
        [
          "Drive multipart, 256 MiB",
          `${driveMBps.toFixed(1)} MB/s`,
          `(${drive.map((d) => (d.total / 1000).toFixed(2)).join(", ")} s)`,
        ],
        [
          "  of which: parts sent (4 in parallel)",
          `${partsMBps.toFixed(1)} MB/s`,
          `(${drive.map((d) => (d.parts / 1000).toFixed(2)).join(", ")} s)`,
        ],
        [
          "  of which: complete (store assembles, HEAD, row)",
          `${(finishMs / 1000).toFixed(2)} s`,
          `(${drive.map((d) => (d.finish / 1000).toFixed(2)).join(", ")} s)`,
        ],
        ["ratio Drive / plain", ratio.toFixed(2), `target ≥ 0.80 ${ratio >= 0.8 ? "✓" : "✗"}`],
        ...list.rows,
        [
          `list, all ${list.rows.length} cases`,
          `${list.p50.toFixed(1)} ms`,
          `${list.p95.toFixed(1)} ms (target < 150 ${list.p95 < 150 ? "✓" : "✗"})`,
        ],
      ]),
    );
    console.log(
      "\nMB = 10^6 bytes; median of 3 runs after a warm-up; loopback to the local store.",
    );
  } finally {
    await db.user.delete({ where: { id: user.id } }).catch(() => undefined);
    await deletePrefix(userPrefix(user.id)).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await db.$disconnect();
  }
}
