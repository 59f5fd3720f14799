// A render process of the web server's preview pool (render-pool.ts): runs one sharp pipeline at
// a time, as recorded by the server — the input, sharp's options and the list of method calls —
// and sends back the pixels. Plain JavaScript on purpose: it is started with `node` from the
// source tree, the Next build (traced by next.config.js) and the container alike, and needs
// nothing but sharp. It holds no state between pipelines and trusts only its parent.
import { writeFileSync } from "node:fs";
import sharp from "sharp";

// One libvips thread per process: the pool's size is the number of cores previews may use.
sharp.concurrency(Number(process.env.STRATUS_RENDER_THREADS) || 1);
// No operation cache: every preview is different, and the cache would only hold memory.
sharp.cache(false);

// The methods renderChain and the preview use; anything else is a bug in the recorder's caller.
const METHODS = new Set([
  "autoOrient",
  "avif",
  "blur",
  "clahe",
  "composite",
  "convolve",
  "ensureAlpha",
  "extract",
  "flatten",
  "flip",
  "flop",
  "gamma",
  "greyscale",
  "jpeg",
  "keepExif",
  "keepIccProfile",
  "keepMetadata",
  "keepXmp",
  "linear",
  "modulate",
  "negate",
  "normalise",
  "png",
  "raw",
  "recomb",
  "removeAlpha",
  "resize",
  "rotate",
  "sharpen",
  "threshold",
  "timeout",
  "tint",
  "toColourspace",
  "webp",
  "withMetadata",
]);

async function run({ input, options, calls }) {
  let s = sharp(input, options);
  for (const [method, args] of calls) {
    if (!METHODS.has(method)) throw new Error(`render process: sharp.${method} is not allowed`);
    s = s[method](...args);
  }
  return s.toBuffer({ resolveWithObject: true });
}

// "0" is the writing process itself. A move that fails leaves the process where it was: the
// pipeline still runs, with the share of the cgroup it is in.
function moveSelf(procsFile) {
  if (!procsFile) return;
  try {
    writeFileSync(procsFile, "0");
  } catch (err) {
    process.stderr.write(`render process: could not move to ${procsFile}: ${err}\n`);
  }
}

// job.cgroup: { enter, leave } — the cgroup.procs files of the user's CPU share and of the idle
// processes (render-cgroups.ts), or null. Moved here, on this process's thread, rather than by
// the server: a move waits for the kernel, and the server's thread serves everyone. Back among
// the idle ones before the reply, so the server may remove the user's cgroup when it answers.
process.on("message", (job) => {
  moveSelf(job.cgroup?.enter);
  const started = Date.now();
  run(job).then(
    ({ data, info }) => {
      const ended = Date.now();
      moveSelf(job.cgroup?.leave);
      process.send({ id: job.id, ok: true, data, info, started, ended });
    },
    (err) => {
      const ended = Date.now();
      moveSelf(job.cgroup?.leave);
      process.send({
        id: job.id,
        ok: false,
        message: err instanceof Error ? err.message : String(err),
        started,
        ended,
      });
    },
  );
});

// The server went away (exit, crash, a dev reload that dropped the pool): so does this process.
process.on("disconnect", () => process.exit(0));
