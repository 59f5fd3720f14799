import { existsSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { afterAll, describe, expect, it, vi } from "vitest";
import { deleteObject } from "@/lib/storage/objects";
import { deleteSeededUsers, seedFile, seedUser } from "./drive-test-seed";
import { readZip } from "./read-zip";
import {
  planZip,
  spareZipProcess,
  warmZipProcess,
  zipProcesses,
  ZIP_CHUNK_BYTES,
  zipStream,
  type ZipPlan,
} from "./zip";
import { WAIT } from "@/lib/testing/wait";

// A zip is built in a process of its own, so that its per-byte work (reading the objects, their
// CRC-32) never runs on the web server's one thread: the attack is a big zip downloaded while
// other users sign in and load pages (bench:isolation measures the effect).

afterAll(deleteSeededUsers);

async function planFor(ownerId: string, fileIds: string[]): Promise<ZipPlan> {
  const result = await planZip(ownerId, { fileIds, folderIds: [] });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

describe("the zip process", () => {
  it("makes the zip in a child process below the server's priority, which ends when the browser goes away", async () => {
    const owner = await seedUser("zipproc");
    const big = await seedFile(owner.id, { name: "big.bin", content: new Uint8Array(8 << 20) });
    const plan = await planFor(owner.id, [big.id]);
    const before = new Set(zipProcesses);
    const { stream, done } = zipStream(plan);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    const pids = [...zipProcesses].filter((p) => !before.has(p));
    expect(pids).toHaveLength(1);
    const pid = pids[0]!;
    expect(pid).not.toBe(process.pid);
    // The bytes come from that process, which is the zip script, at a lower priority.
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain("zip-process.mjs");
    expect(getPriority(pid)).toBeGreaterThan(getPriority(process.pid));
    // The browser goes away mid-download: the process ends, nothing is left running.
    await reader.cancel();
    await done;
    expect(zipProcesses.has(pid)).toBe(false);
    await vi.waitFor(() => expect(existsSync(`/proc/${pid}/cmdline`)).toBe(false), WAIT);
  });

  it("takes the process started ahead of the download, and starts the next one in the background", async () => {
    const owner = await seedUser("zipwarm");
    const file = await seedFile(owner.id, {
      name: "a.txt",
      content: new TextEncoder().encode("hi"),
    });
    const plan = await planFor(owner.id, [file.id]);
    warmZipProcess();
    const spare = spareZipProcess();
    expect(spare).toBeDefined();
    const { stream, done } = zipStream(plan);
    // The download runs in the spare: no process was forked for it on the request's path.
    expect(zipProcesses.has(spare!)).toBe(true);
    expect(spareZipProcess()).toBeUndefined();
    await new Response(stream).arrayBuffer();
    await done;
    // A new spare came on its own.
    await vi.waitFor(() => expect(spareZipProcess()).toBeDefined(), WAIT);
    expect(spareZipProcess()).not.toBe(spare);
  });

  it("forwards the zip in large chunks, not the pipe's 64 KiB reads (each costs the server's thread)", async () => {
    const owner = await seedUser("zipchunks");
    const big = await seedFile(owner.id, { name: "big.bin", content: new Uint8Array(8 << 20) });
    const { stream, done } = zipStream(await planFor(owner.id, [big.id]));
    const sizes: number[] = [];
    for await (const chunk of stream) sizes.push(chunk.byteLength);
    await done;
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(8 << 20);
    // Averaging at least a quarter of a chunk leaves room for a slow store's early sends; the
    // pipe's reads alone average 64 KiB (an eighth).
    expect(total / sizes.length).toBeGreaterThanOrEqual(ZIP_CHUNK_BYTES / 4);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(ZIP_CHUNK_BYTES);
  });

  it("fails the download, rather than sending a wrong zip, when an object is missing", async () => {
    const owner = await seedUser("zipproc");
    const ok = await seedFile(owner.id, { name: "a.txt", content: "present" });
    const gone = await seedFile(owner.id, { name: "b.txt", content: "missing" });
    const plan = await planFor(owner.id, [ok.id, gone.id]);
    await deleteObject(gone.storageKey);
    const { stream, done } = zipStream(plan);
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow(
      /the object of "b\.txt" is missing/,
    );
    await done;
  });

  it("writes a zip whose files and checksums unzip tools accept", async () => {
    const owner = await seedUser("zipproc");
    const a = await seedFile(owner.id, { name: "a.txt", content: "alpha\n" });
    const b = await seedFile(owner.id, { name: "b.bin", content: new Uint8Array(300_000).fill(7) });
    const zip = Buffer.from(
      await new Response(zipStream(await planFor(owner.id, [a.id, b.id])).stream).arrayBuffer(),
    );
    // readZip checks each entry's CRC-32 against its bytes.
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.data.byteLength])).toEqual([
      ["a.txt", 6],
      ["b.bin", 300_000],
    ]);
  });
});
