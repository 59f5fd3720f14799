// Compiles the worker's processes into plain JavaScript for the worker image (Dockerfile), so the
// image carries no TypeScript loader, no dev dependencies and no node_modules but the native
// packages below:
//   dist/worker/worker.mjs             scripts/worker.ts (job worker + local executor)
//   dist/worker/listener.mjs           scripts/listener.ts (Pulse's listener)
//   dist/worker/migrate.mjs            scripts/migrate.ts (prisma/migrations, applied)
//   dist/worker/s3-server.mjs          scripts/s3-server.ts (the local S3 store's image)
//   dist/worker/task-thread-entry.mjs  MapReduce's task thread (lib/mapreduce/task-pool.ts looks
//                                      for it beside the module that starts the pool)
//   dist/worker/programs/              EMR's streaming programs (lib/mapreduce/emr/step.ts)
//   dist/worker/sandbox-launch.py      the MapReduce sandbox's launcher (lib/mapreduce/sandbox.ts
//                                      looks for it beside the module that spawns programs)
// Run from the project root after `prisma generate`: node scripts/deploy/bundle-worker.mjs
import { cp, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const out = path.resolve("dist/worker");
// Loaded by Node at run time: native addons and the packages that find them by file name.
export const external = ["sharp", "@node-rs/argon2", "@img/*"];

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  entryPoints: {
    worker: "scripts/worker.ts",
    listener: "scripts/listener.ts",
    migrate: "scripts/migrate.ts",
    "s3-server": "scripts/s3-server.ts",
    "task-thread-entry": "lib/mapreduce/task-thread.ts",
  },
  outdir: out,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // One self-contained file per process, no shared chunks: MapReduce's pool looks for
  // task-thread-entry.mjs beside the module that holds it (lib/mapreduce/task-pool.ts).
  splitting: false,
  platform: "node",
  format: "esm",
  target: "node20",
  // `server-only` is an empty module under this condition, as with `node --conditions=react-server`.
  conditions: ["react-server"],
  external,
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins and
  // read __dirname / __filename.
  banner: {
    js: [
      'import { createRequire as __stratusRequire } from "node:module";',
      'import { fileURLToPath as __stratusPath } from "node:url";',
      "const require = __stratusRequire(import.meta.url);",
      "const __filename = __stratusPath(import.meta.url);",
      'const __dirname = __stratusPath(new URL(".", import.meta.url));',
    ].join(" "),
  },
  // No source maps: they would double the image; the bundle is not minified, so traces read.
  sourcemap: false,
  legalComments: "linked",
  logLevel: "warning",
});

await cp("lib/mapreduce/emr/programs", path.join(out, "programs"), { recursive: true });
await cp("lib/mapreduce/sandbox-launch.py", path.join(out, "sandbox-launch.py"));
console.log(`bundled into ${path.relative(process.cwd(), out)}`);
