// The isolation bench's own Stratus: the job worker (scripts/worker.ts, as `npm run worker` runs
// it) and the production web server (`next start` on the build in ISO_DIST_DIR), on free ports,
// against the bench's database and the worktree's S3 store. Each runs in a process group of its
// own so that stopping it also stops whatever it started; the groups are killed when this
// process exits for any reason (end, error, Ctrl-C).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { freePort, testKeys } from "@/lib/executor/testing/harness";

export type Server = {
  name: string;
  pid: number;
  logFile: string;
  /** How it ended, while the bench still needed it: null while it runs. */
  exit: () => string | null;
};

export type Stack = {
  baseUrl: string;
  /** The worker's event API (what the app's Inngest client sends to). */
  eventUrl: string;
  keys: { signingKey: string; eventKey: string };
  /** The worker and the app server as they run now. */
  servers: Server[];
  /**
   * Stops the app server and starts a fresh one on the same port: after an attack that outlived
   * its round, the next round alone must not measure the leftovers.
   */
  restartApp: () => Promise<void>;
  stop: () => Promise<void>;
};

const groups = new Set<number>();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous last resort: whatever way this process ends, its servers end with it.
  process.on("exit", () => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

function start(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
  append = false,
): { server: Server; child: ChildProcess } {
  const logFile = join(logDir, `isobench-${name}.log`);
  const fd = openSync(logFile, append ? "a" : "w");
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (!child.pid) throw new Error(`${name} did not start`);
  groups.add(child.pid);
  let exit: string | null = null;
  child.once("exit", (code, signal) => {
    exit = signal ? `killed by ${signal}` : `exited with ${code}`;
    groups.delete(child.pid!);
  });
  return { server: { name, pid: child.pid, logFile, exit: () => exit }, child };
}

async function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  signal("SIGKILL"); // anything of the group still left
}

/** Polls `url` until it answers 200; fails when `server` exits or after `timeoutMs`. */
async function waitFor(url: string, server: Server, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = server.exit();
    if (ended)
      throw new Error(`${server.name} ${ended} before it was ready (see ${server.logFile})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(
        `${server.name} not ready after ${timeoutMs / 1000} s (see ${server.logFile})`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startStack(opts: {
  databaseUrl: string;
  distDir: string;
  logDir: string;
  workDir: string;
}): Promise<Stack> {
  installExitHook();
  mkdirSync(opts.logDir, { recursive: true });
  const keys = testKeys();
  const [appPort, eventPort, servePort] = [await freePort(), await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${appPort}`;
  const eventUrl = `http://127.0.0.1:${eventPort}`;
  const common: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    INNGEST_SIGNING_KEY: keys.signingKey,
    INNGEST_EVENT_KEY: keys.eventKey,
    INNGEST_BASE_URL: eventUrl,
    NEXTAUTH_URL: baseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete common.INNGEST_DEV;
  let worker: ReturnType<typeof start> | undefined;
  let app: ReturnType<typeof start> | undefined;
  const stop = async () => {
    // The app first (it sends to the worker), then the worker: it finishes or hands back its runs.
    if (app) await stopGroup(app.child, 15_000);
    if (worker) await stopGroup(worker.child, 15_000);
  };
  const startApp = async (append: boolean) => {
    // ISO_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=…": node flags for the app server only (a
    // profile of its thread; node refuses --cpu-prof in NODE_OPTIONS).
    const nodeArgs = (process.env.ISO_APP_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
    // ISO_APP_PREFIX: the command `npm run up` starts its web server through (run.sh sets it from
    // web_priority_prefix in scripts/lib.sh: `nice -n -5` as root), so the bench's server has the
    // deployment's CPU priority.
    const prefix = (process.env.ISO_APP_PREFIX ?? "").split(/\s+/).filter(Boolean);
    app = start(
      "app",
      prefix[0] ?? process.execPath,
      [
        ...(prefix.length > 0 ? [...prefix.slice(1), process.execPath] : []),
        ...nodeArgs,
        join(process.cwd(), "node_modules/next/dist/bin/next"),
        "start",
        "-H",
        "127.0.0.1",
        "-p",
        String(appPort),
      ],
      {
        ...common,
        NODE_ENV: "production",
        NEXT_DIST_DIR: opts.distDir,
        // A and B both come from 127.0.0.1, which on the internet would be two addresses: the
        // address-wide request bound (lib/limits/request-rate.ts, tested on its own) would count
        // A's flood against B. The per-session bound stays as it is.
        STRATUS_LIMIT_ADDRESS_REQUESTS_PER_SECOND: "1000000",
        STRATUS_LIMIT_ADDRESS_REQUEST_BURST: "1000000",
      },
      opts.logDir,
      append,
    );
    await waitFor(`${baseUrl}/api/ready`, app.server, 180_000);
  };
  try {
    // The worker first: the app reports ready only once a worker heartbeats.
    worker = start(
      "worker",
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "scripts/worker.ts"],
      {
        ...common,
        EXECUTOR_EVENT_PORT: String(eventPort),
        WORKER_SERVE_PORT: String(servePort),
        MAPREDUCE_WORK_DIR: opts.workDir,
      },
      opts.logDir,
    );
    await waitFor(`${eventUrl}/health`, worker.server, 180_000);
    await startApp(false);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl,
    eventUrl,
    keys,
    get servers() {
      return [worker!.server, app!.server];
    },
    restartApp: async () => {
      await stopGroup(app!.child, 15_000);
      await startApp(true);
    },
    stop,
  };
}
