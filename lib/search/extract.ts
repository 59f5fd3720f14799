import "server-only";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXTRACT_HEAP_MB, EXTRACT_TIMEOUT_MS, MAX_TEXT_CHARS } from "./config";
import type { ExtractKind } from "./kinds";

export type Extracted = { ok: true; text: string } | { ok: false; message: string };

function entryPath(): string {
  const here = new URL("./extract-child.mjs", import.meta.url);
  if (here.protocol === "file:" && existsSync(fileURLToPath(here))) return fileURLToPath(here);
  // Bundled (e.g. by Next): fall back to the source tree.
  return join(process.cwd(), "lib", "search", "extract-child.mjs");
}

/** UTF-8 text, or a refusal for binary data (a NUL in the first 8 KiB, as git and grep assume). */
function plainText(bytes: Uint8Array, maxChars: number): Extracted {
  if (bytes.subarray(0, 8192).includes(0))
    return { ok: false, message: "The file holds binary data, not text." };
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).slice(0, maxChars);
  return { ok: true, text };
}

/**
 * The text of a file's bytes, read by a child process (extract-child.mjs; plain text in process) with a heap limit and
 * a wall-clock limit: a hostile PDF that loops or balloons is killed, and the file is reported
 * as unreadable instead of hanging the worker. Never throws for bad input.
 */
export function extractText(
  kind: ExtractKind,
  bytes: Uint8Array,
  opts: { timeoutMs?: number; maxChars?: number } = {},
): Promise<Extracted> {
  const timeoutMs = opts.timeoutMs ?? EXTRACT_TIMEOUT_MS;
  const maxChars = opts.maxChars ?? MAX_TEXT_CHARS;
  // Plain text has no parser to exploit: decoding it here saves a process per file.
  if (kind === "text") return Promise.resolve(plainText(bytes, maxChars));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${EXTRACT_HEAP_MB}`, entryPath(), kind, String(maxChars)],
      // No secrets for the parser: only what node needs to run.
      {
        stdio: ["pipe", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "", NODE_ENV: "production" },
        cwd: process.cwd(),
      },
    );
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let timedOut = false;
    // UTF-8 takes at most 4 bytes a character: more output than that is not ours to keep.
    const maxBytes = maxChars * 4 + 1024;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (c: Buffer) => {
      outBytes += c.length;
      if (outBytes > maxBytes) child.kill("SIGKILL");
      else out.push(c);
    });
    child.stderr.on("data", (c: Buffer) => {
      err = (err + c.toString("utf8")).slice(-4096);
    });
    child.stdin.on("error", () => {});
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ ok: false, message: `The text could not be read (${e.message}).` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut)
        return resolve({
          ok: false,
          message: `Reading the text took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`,
        });
      if (code === 0) return resolve({ ok: true, text: Buffer.concat(out).toString("utf8") });
      // Exit code 2: the extractor's own message for the user; anything else: it crashed.
      const mine = code === 2 ? (/STRATUS-ERROR (.*)/.exec(err)?.[1] ?? "") : "";
      resolve({
        ok: false,
        message: mine || "The text could not be read: the file looks damaged or too complex.",
      });
    });
    child.stdin.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });
}
