// Process and file plumbing shared by the task attempts: GNU sort, exit waits, stderr capture,
// line reading.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { addCounter, type Counters, parseReporterLine } from "./counters";

/** The environment of every helper process: nothing inherited, byte-order collation. */
export const CLEAN_ENV = { LC_ALL: "C", PATH: "/usr/bin:/bin" };

/**
 * GNU sort of tab-separated records by key, in byte order, with a bounded buffer and spill files
 * in tmpDir (external merge sort). No files: sorts nothing and ends at once.
 */
export function spawnSort(
  files: string[],
  keys: string[],
  memoryBytes: number,
  tmpDir: string,
): ChildProcess {
  const kib = Math.max(64, Math.floor(memoryBytes / 1024));
  // One thread: tasks already run on every core, and sort's own threads only add overhead.
  return spawn(
    "/usr/bin/sort",
    ["-t", "\t", ...keys, "--parallel=1", "-S", `${kib}K`, "-T", tmpDir, "--", ...files],
    { env: CLEAN_ENV as unknown as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves when the process has exited and its stdio is closed. */
export function waitExit(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null });
      return;
    }
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
}

/** Collects a little of stderr: for error messages and the log, not all of it. */
export function collectText(child: ChildProcess, limit = 16 * 1024): () => string {
  let text = "";
  child.stderr?.on("data", (c: Buffer) => {
    if (text.length < limit) text += c.toString("utf8");
  });
  return () => text.trim().slice(0, limit);
}

const LOG_LIMIT = 1024 * 1024;
const TAIL_LINES = 30;
const TAIL_BYTES = 4096;

/**
 * A streaming program's stderr: `reporter:` lines become counters and status, everything else
 * goes to the task log (first MiB) and to a tail kept for the failure message.
 */
export class StderrCollector {
  private fd: number;
  private logged = 0;
  private carry = "";
  private tailLines: string[] = [];
  status: string | null = null;

  constructor(
    logPath: string,
    private readonly counters: Counters,
    private readonly onStatus: () => void,
  ) {
    this.fd = openSync(logPath, "a", 0o644);
  }

  push(chunk: Buffer): void {
    const text = this.carry + chunk.toString("utf8");
    const lines = text.split("\n");
    this.carry = lines.pop() ?? "";
    if (this.carry.length > 64 * 1024) {
      lines.push(this.carry);
      this.carry = "";
    }
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    const r = parseReporterLine(line);
    if (r?.kind === "counter") {
      addCounter(this.counters, r.group, r.name, r.amount);
      return;
    }
    if (r?.kind === "status") {
      this.status = r.message;
      this.onStatus();
      return;
    }
    this.log(`${line}\n`);
    this.tailLines.push(line);
    if (this.tailLines.length > TAIL_LINES) this.tailLines.shift();
  }

  /** Writes an engine message into the task log. */
  log(text: string): void {
    if (this.logged >= LOG_LIMIT || this.fd < 0) return;
    const b = Buffer.from(text, "utf8").subarray(0, LOG_LIMIT - this.logged);
    writeSync(this.fd, b);
    this.logged += b.length;
    if (this.logged >= LOG_LIMIT) writeSync(this.fd, "[log truncated at 1 MiB]\n");
  }

  end(): void {
    if (this.carry) this.line(this.carry);
    this.carry = "";
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  tail(): string {
    const t = this.tailLines.join("\n").trim();
    return t.length > TAIL_BYTES ? t.slice(t.length - TAIL_BYTES) : t;
  }
}

/**
 * Calls sink.line for every line of path's byte range [start, end), without the newline; the last
 * line may lack one. afterBlock runs after every block read (spill checks, progress). A method
 * call on the sink, not a function passed in, so that a mapper's line() can be a prototype
 * method shared by every task of a thread (word-count.ts).
 */
export function readLines(
  path: string,
  start: number,
  end: number,
  sink: { line(buf: Buffer, start: number, end: number): void },
  afterBlock: (bytesDone: number) => void,
  blockBytes = 4 * 1024 * 1024,
): number {
  const fd = openSync(path, "r");
  let buf = Buffer.allocUnsafe(blockBytes);
  let carry = 0;
  let pos = start;
  let lines = 0;
  try {
    while (pos < end) {
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const n = readSync(fd, buf, carry, Math.min(buf.length - carry, end - pos), pos);
      if (n === 0) break;
      pos += n;
      const filled = carry + n;
      const view = buf.subarray(0, filled);
      let s = 0;
      let nl: number;
      while ((nl = view.indexOf(10, s)) !== -1) {
        sink.line(buf, s, nl);
        lines++;
        s = nl + 1;
      }
      carry = filled - s;
      if (carry > 0 && s > 0) buf.copyWithin(0, s, filled);
      afterBlock(pos - start);
    }
    if (carry > 0) {
      sink.line(buf, 0, carry);
      lines++;
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

/**
 * Counts the lines of a file (a last line without newline counts) and, when asked, whether its
 * keys (bytes before the first tab) are in byte order.
 */
export function countLines(
  path: string,
  checkOrder = false,
): { lines: number; bytes: number; sorted: boolean } {
  const fd = openSync(path, "r");
  let buf = Buffer.allocUnsafe(1 << 20);
  let carry = 0;
  let lines = 0;
  let bytes = 0;
  let sorted = true;
  let prevKey = Buffer.alloc(0);
  try {
    for (;;) {
      if (carry === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const n = readSync(fd, buf, carry, buf.length - carry, null);
      const filled = carry + n;
      bytes += n;
      const view = buf.subarray(0, filled);
      let s = 0;
      while (s < filled) {
        let nl = view.indexOf(10, s);
        if (nl === -1) {
          if (n !== 0) break;
          nl = filled; // the last line, without a newline
        }
        lines++;
        if (checkOrder && sorted) {
          const tab = view.indexOf(9, s);
          const key = view.subarray(s, tab === -1 || tab > nl ? nl : tab);
          if (Buffer.compare(prevKey, key) > 0) sorted = false;
          prevKey = Buffer.from(key);
        }
        s = nl + 1;
      }
      if (n === 0) break;
      carry = Math.max(0, filled - s);
      if (carry > 0 && s > 0) buf.copyWithin(0, s, filled);
    }
  } finally {
    closeSync(fd);
  }
  return { lines, bytes, sorted };
}
