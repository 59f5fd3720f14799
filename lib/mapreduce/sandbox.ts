// The sandbox for uploaded mapper, combiner and reducer programs (see docs/mapreduce.md):
// bubblewrap with every namespace unshared, only the
// interpreters' trees of /usr bound read-only, a private tmpfs /tmp, no capabilities, a clean
// environment, a seccomp filter, under prlimit, as a non-root uid, in a cgroup of its own
// (task-cgroup.ts) that bounds the task's processes and memory together — or, where no cgroup
// can be made, as a uid of its own (sandbox-uids.ts) so RLIMIT_NPROC counts per task.
// sandbox-launch.py joins the cgroup, closes inherited descriptors and builds the seccomp filter
// before anything of the user runs. Programs are handed to bwrap as open file descriptors and
// copied into the sandbox, so the job directory itself stays private (0700) to the worker.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
} from "node:fs";
import { constants as osConstants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { acquireSandboxUid, releaseSandboxUid } from "./sandbox-uids";
import {
  createTaskCgroup,
  killTaskProcesses,
  removeTaskCgroup,
  taskOomKills,
  type TaskCgroup,
} from "./task-cgroup";
import { formatBytes } from "../format/numbers";
import { userCpuCapCores } from "../limits/cpu-cap";

export interface SandboxLimits {
  /** RLIMIT_AS: address space of each process. */
  memoryBytes: number;
  /** Memory of all of a task's processes together (its cgroup's limit). */
  taskMemoryBytes: number;
  /** RLIMIT_CPU of each process, in seconds. */
  cpuSeconds: number;
  /** Processes and threads of one task (its cgroup's pids.max, or RLIMIT_NPROC of its own uid). */
  processes: number;
  /** RLIMIT_NOFILE. */
  openFiles: number;
  /** RLIMIT_FSIZE: the largest file a program may write (its stdout too, when that is a file). */
  fileSizeBytes: number;
  /** Size of the private tmpfs on /tmp. */
  tmpBytes: number;
  /** The most bytes a mapper may write to stdout (the engine counts them). */
  outputBytes: number;
  /**
   * Set when what is left of the job's output limit (engine.ts) is below the per-task limits:
   * outputBytes and fileSizeBytes then are that rest, and messages name the job's limit.
   */
  jobOutputBytes?: number;
}

/** "(the limit per task)", or the job's limit when that is what stopped the task. */
export function outputLimitNote(limits: SandboxLimits): string {
  return limits.jobOutputBytes === undefined
    ? "(the limit per task)"
    : `(what was left of the job's ${formatBytes(limits.jobOutputBytes)} output limit)`;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryBytes: 1024 * 1024 * 1024,
  taskMemoryBytes: 1024 * 1024 * 1024,
  cpuSeconds: 600,
  processes: 64,
  openFiles: 64,
  fileSizeBytes: 8 * 1024 * 1024 * 1024,
  tmpBytes: 64 * 1024 * 1024,
  outputBytes: 8 * 1024 * 1024 * 1024,
};

export const SANDBOX_USER = "stratus-sandbox";
/** The uid/gid programs see inside the sandbox (nobody); the kernel uid outside is the sandbox user's. */
const INSIDE_ID = 65534;

export interface SandboxIdentity {
  /** Kernel uid and gid the program runs as; null: stay the current (non-root) user. */
  uid: number | null;
  gid: number | null;
}

/** How user programs get their uid: as root, the stratus-sandbox user (created by scripts/lib.sh). */
export function sandboxIdentity(): SandboxIdentity {
  if (process.getuid?.() !== 0) return { uid: null, gid: null };
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${SANDBOX_USER}:`));
  const fields = line?.split(":");
  const uid = Number(fields?.[2]);
  const gid = Number(fields?.[3]);
  if (!fields || !Number.isInteger(uid) || !Number.isInteger(gid) || uid === 0) {
    throw new Error(
      `The sandbox user ${SANDBOX_USER} does not exist: run \`npm run up\` (scripts/lib.sh ensure_mapreduce_sandbox) as root to create it.`,
    );
  }
  return { uid, gid };
}

const TOOLS = ["/usr/bin/bwrap", "/usr/bin/prlimit", "/usr/bin/setpriv", "/usr/bin/python3"];
/** Debian's python3-seccomp: the launcher builds the seccomp filter with libseccomp. */
const SECCOMP_MODULE = /^seccomp\.cpython-.*\.so$/;

/** Throws a clear error when the sandbox cannot run on this host. */
export function checkSandboxTools(): void {
  const missing = TOOLS.filter((t) => !existsSync(t));
  const dist = "/usr/lib/python3/dist-packages";
  if (!existsSync(dist) || !readdirSync(dist).some((f) => SECCOMP_MODULE.test(f))) {
    missing.push("python3-seccomp");
  }
  if (missing.length > 0) {
    throw new Error(
      `Uploaded programs cannot run: ${missing.join(", ")} missing. Install them with \`npm run up\` (Debian packages bubblewrap, util-linux, python3, python3-seccomp).`,
    );
  }
}

/** The launcher every sandboxed program starts through (run as the worker, before setpriv). */
export function launcherPath(): string {
  const here = new URL("./sandbox-launch.py", import.meta.url);
  if (here.protocol === "file:" && existsSync(fileURLToPath(here))) return fileURLToPath(here);
  // Bundled (e.g. by Next): the source tree.
  return join(process.cwd(), "lib", "mapreduce", "sandbox-launch.py");
}

/**
 * The parts of /usr the interpreters need: binaries, shared libraries and Python's standard
 * library. The rest (/usr/local, /usr/share, /usr/include, other packages' data) stays out.
 */
export function usrBinds(): string[] {
  const lib = existsSync("/usr/lib") ? readdirSync("/usr/lib") : [];
  return [
    "/usr/bin",
    "/usr/lib64",
    ...lib
      .filter((d) => /-linux-gnu[a-z0-9_]*$/.test(d) || /^python3(\.\d+)?$/.test(d))
      .map((d) => `/usr/lib/${d}`),
  ].filter((d) => existsSync(d));
}

/**
 * Where the running Node lives; bound read-only into the sandbox when it is outside /usr (the
 * sandbox user must be able to reach it: /usr/local or /opt are fine, a home directory is not).
 */
export function nodeInstall(): { bin: string; prefix: string | null } {
  const bin = realpathSync(process.execPath);
  // /usr/local is none of the trees usrBinds() binds: the node images keep Node there.
  if (bin.startsWith("/usr/") && !bin.startsWith("/usr/local/")) return { bin, prefix: null };
  // e.g. /usr/local/bin/node, /usr/local/lib/nodejs/node-v20/bin/node or
  // ~/.nvm/versions/node/v20/bin/node.
  return { bin, prefix: dirname(dirname(bin)) };
}

export type Interpreter = "python" | "node" | "exec";

export interface SandboxedCommand {
  /** Host directory whose files are copied read-only into /job, the working directory. */
  programDir: string;
  /** File name inside programDir. */
  file: string;
  interpreter: Interpreter;
}

/** A program file copied into the sandbox's /job: descriptor slot, name and mode. */
export interface JobFile {
  fd: number;
  name: string;
  mode: number;
}

/** What the launcher sets up before the sandbox: the task's cgroups, descriptors, seccomp. */
export interface LaunchSetup {
  /** cgroup directories the program joins (empty: none could be made). */
  cgroups: string[];
  /** The descriptor slot bwrap reads the seccomp filter from. */
  seccompFd: number;
  /** RLIMIT_NPROC: the task's own limit when it runs as a uid of its own, else a backstop. */
  nproc: number;
  /** The binds of /usr (usrBinds()). */
  usr: string[];
}

/** The argv of the sandbox around a program, given the /job files it receives from descriptors. */
export function sandboxArgv(
  command: SandboxedCommand,
  jobFiles: JobFile[],
  env: Record<string, string>,
  limits: SandboxLimits,
  identity: SandboxIdentity,
  setup: LaunchSetup,
  node = nodeInstall(),
): string[] {
  const program = `/job/${command.file}`;
  const run =
    command.interpreter === "python"
      ? ["/usr/bin/python3", program]
      : command.interpreter === "node"
        ? [node.bin, program]
        : [program];
  const nodePrefix = command.interpreter !== "python" ? node.prefix : null;
  const path = ["/usr/bin", "/bin", ...(nodePrefix ? [`${nodePrefix}/bin`] : [])].join(":");
  const baseEnv: Record<string, string> = {
    PATH: path,
    HOME: "/tmp",
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    ...env,
  };
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  const launch =
    identity.uid !== null
      ? [
          "/usr/bin/setpriv",
          `--reuid=${identity.uid}`,
          `--regid=${identity.gid}`,
          "--clear-groups",
          "--",
        ]
      : [];
  return [
    "/usr/bin/python3",
    "-I",
    launcherPath(),
    ...setup.cgroups.flatMap((d) => ["--cgroup", d]),
    ...jobFiles.flatMap((f) => ["--keep", String(f.fd)]),
    "--seccomp-fd",
    String(setup.seccompFd),
    "--",
    ...launch,
    "/usr/bin/prlimit",
    `--as=${limits.memoryBytes}`,
    `--cpu=${cpu}:${cpu + 2}`,
    `--nproc=${setup.nproc}`,
    `--nofile=${limits.openFiles}`,
    `--fsize=${limits.fileSizeBytes}`,
    "--core=0",
    "--",
    "/usr/bin/bwrap",
    "--unshare-all",
    "--unshare-user",
    "--disable-userns",
    "--die-with-parent",
    "--new-session",
    "--uid",
    String(INSIDE_ID),
    "--gid",
    String(INSIDE_ID),
    ...setup.usr.flatMap((d) => ["--ro-bind", d, d]),
    "--symlink",
    "usr/bin",
    "/bin",
    "--symlink",
    "usr/lib",
    "/lib",
    "--symlink",
    "usr/lib64",
    "/lib64",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--size",
    String(limits.tmpBytes),
    "--tmpfs",
    "/tmp",
    // Programs are copied in from descriptors the worker opened: the sandbox uid never needs a
    // path into the (private) job directory.
    ...jobFiles.flatMap((f) => [
      "--perms",
      ((f.mode & 0o755) | 0o444).toString(8).padStart(4, "0"),
      "--ro-bind-data",
      String(f.fd),
      `/job/${f.name}`,
    ]),
    ...(nodePrefix ? ["--ro-bind", nodePrefix, nodePrefix] : []),
    // Everything outside /tmp read-only, the sandbox's own root and /dev included.
    "--remount-ro",
    "/",
    "--remount-ro",
    "/dev",
    "--chdir",
    "/job",
    "--clearenv",
    ...Object.entries(baseEnv).flatMap(([k, v]) => ["--setenv", k, v]),
    "--cap-drop",
    "ALL",
    "--seccomp",
    String(setup.seccompFd),
    "--",
    ...run,
  ];
}

/** At most this many files of the job's programs directory are copied into /job. */
const MAX_JOB_FILES = 32;

/**
 * With a task cgroup, RLIMIT_NPROC of the shared sandbox uid is only a backstop against a
 * runaway worker: the cgroup's pids.max is what bounds a task.
 */
const NPROC_BACKSTOP = 4096;

/** What the worker must clean up after a sandboxed program, and what happened to it. */
export interface SandboxHandle {
  cgroup: TaskCgroup | null;
  /** The pool uid the program ran as (no cgroup could be made), or null. */
  uid: number | null;
  /** Processes of the task the kernel killed for going over the task's memory limit. */
  oomKills: number;
}

const handles = new WeakMap<ChildProcess, SandboxHandle>();

/** The cgroup and uid of a sandboxed program (for the pool to clean up a killed attempt). */
export function sandboxHandle(child: ChildProcess): SandboxHandle | undefined {
  return handles.get(child);
}

/** Kills what is left of a sandboxed program and frees its cgroup and uid. Idempotent. */
export function releaseSandbox(handle: SandboxHandle): void {
  if (handle.cgroup) {
    handle.oomKills = Math.max(handle.oomKills, taskOomKills(handle.cgroup));
    removeTaskCgroup(handle.cgroup);
  }
  if (handle.uid !== null) releaseSandboxUid(handle.uid);
}

/**
 * cgroup v1 kills one process when the task goes over its memory limit, and the rest of the task
 * would go on without it (a parent waiting for the killed child, say): the whole task is killed
 * as soon as the kernel reports a kill. (v2 does this itself: memory.oom.group.)
 */
function watchMemory(handle: SandboxHandle): NodeJS.Timeout {
  const timer = setInterval(() => {
    const kills = taskOomKills(handle.cgroup!);
    if (kills === 0) return;
    handle.oomKills = kills;
    killTaskProcesses(handle.cgroup!);
  }, 200);
  timer.unref();
  return timer;
}

/**
 * Starts a program in the sandbox. The caller owns the returned process (kill it with SIGKILL:
 * bwrap's --die-with-parent and the pid namespace take everything inside down with it; the
 * task's cgroup is emptied and removed when it exits).
 */
export function spawnSandboxed(opts: {
  command: SandboxedCommand;
  env: Record<string, string>;
  limits: SandboxLimits;
  identity: SandboxIdentity;
  stdio: unknown[];
  /** The job's owner: the task's CPU counts against the owner's one cap (task-cgroup.ts). */
  owner?: string;
}): ChildProcess {
  const names = readdirSync(opts.command.programDir, { withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name)
    .sort()
    .slice(0, MAX_JOB_FILES);
  if (!names.includes(opts.command.file)) names.unshift(opts.command.file);
  // libuv opens with O_CLOEXEC: only the stdio slots below reach the child (and the launcher
  // closes whatever the worker itself inherited without that flag).
  const fds = names.map((name) => openSync(join(opts.command.programDir, name), "r"));
  const handle: SandboxHandle = { cgroup: null, uid: null, oomKills: 0 };
  try {
    const jobFiles = names.map((name, i) => ({
      fd: opts.stdio.length + i,
      name,
      mode: fstatSync(fds[i]!).mode,
    }));
    const root = opts.identity.uid !== null;
    handle.cgroup = root
      ? createTaskCgroup({
          // bwrap's two processes come on top of the program's.
          processes: opts.limits.processes + 2,
          memoryBytes: opts.limits.taskMemoryBytes,
          cpuCores: taskCpuCap(),
          userId: opts.owner,
        })
      : null;
    let identity = opts.identity;
    if (root && !handle.cgroup) {
      handle.uid = acquireSandboxUid();
      if (handle.uid !== null) identity = { uid: handle.uid, gid: opts.identity.gid };
    }
    const argv = sandboxArgv(opts.command, jobFiles, opts.env, opts.limits, identity, {
      cgroups: handle.cgroup?.dirs ?? [],
      seccompFd: opts.stdio.length + jobFiles.length,
      nproc: handle.cgroup ? NPROC_BACKSTOP : opts.limits.processes,
      usr: usrBinds(),
    });
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: [...opts.stdio, ...fds] as StdioOptions,
      // Nothing of the worker's environment reaches the sandbox (bwrap --clearenv), and the
      // launchers need none of it either.
      env: {} as NodeJS.ProcessEnv,
    });
    handles.set(child, handle);
    const watch = handle.cgroup?.memory ? watchMemory(handle) : null;
    const release = () => {
      if (watch) clearInterval(watch);
      releaseSandbox(handle);
    };
    child.once("exit", release);
    child.once("error", release);
    return child;
  } catch (error) {
    releaseSandbox(handle);
    throw error;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

let cpuCap: number | null | undefined;
/** A task's CPU cap (STRATUS_USER_CPU_CAP, lib/limits/cpu-cap.ts), read once. */
function taskCpuCap(): number | null {
  if (cpuCap === undefined) cpuCap = userCpuCapCores();
  return cpuCap;
}

/**
 * Why a sandboxed program failed, or null when it succeeded: a task whose processes the kernel
 * killed for its memory limit fails even when the program itself exited 0 (its output would
 * miss what the killed process had to say).
 */
export function sandboxFailure(
  role: string,
  child: ChildProcess,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  stderrTail: string,
  limits: SandboxLimits,
): string | null {
  const handle = handles.get(child);
  if (handle?.cgroup) releaseSandbox(handle);
  if (handle && handle.oomKills > 0) {
    return `${role} was stopped: the task's processes used more than ${formatBytes(limits.taskMemoryBytes)} of memory together (the limit per task)`;
  }
  if (exit.code === 0) return null;
  return explainSandboxFailure(role, exit, stderrTail, limits);
}

/**
 * Why a sandboxed program failed, in words a user can act on. The program's own stderr tail is
 * shown beside this, so the hints only name the sandbox limit that the tail points to.
 */
export function explainSandboxFailure(
  role: string,
  exit: { code: number | null; signal: NodeJS.Signals | null },
  stderrTail: string,
  limits: SandboxLimits,
): string {
  // bwrap reports a program killed by a signal as exit status 128 + the signal's number.
  const signal =
    exit.signal ?? (exit.code !== null && exit.code > 128 ? signalName(exit.code - 128) : null);
  const base =
    signal === "SIGXCPU"
      ? `${role} was stopped after using ${limits.cpuSeconds} s of CPU time (the limit per task)`
      : signal === "SIGXFSZ"
        ? `${role} wrote a file larger than ${formatBytes(limits.fileSizeBytes)} ${outputLimitNote(limits)}`
        : signal
          ? `${role} was killed by ${signal}`
          : `${role} exited with status ${exit.code}`;
  const hint = failureHint(stderrTail, limits);
  return hint ? `${base}: ${hint}` : base;
}

function signalName(n: number): NodeJS.Signals | null {
  const entry = Object.entries(osConstants.signals).find(([, v]) => v === n);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

// Python 3's own words for the Python 2 idioms that textbook streaming programs use most.
const PYTHON2 =
  /Missing parentheses in call to '(print|exec)'|multiple exception types must be parenthesized|name '(xrange|raw_input|unicode|unichr|basestring|long|reduce|file|execfile)' is not defined|has no attribute '(iteritems|itervalues|iterkeys|has_key|maxint)'/;

function failureHint(tail: string, limits: SandboxLimits): string | null {
  if (PYTHON2.test(tail)) {
    return "this looks like Python 2 code, and .py programs run with Python 3 (print(x), range(), dict.items(), input())";
  }
  if (
    /MemoryError|out of memory|Cannot allocate memory|ENOMEM|std::bad_alloc|Array buffer allocation failed|Invalid array length|allocation failed/i.test(
      tail,
    )
  ) {
    return `it ran out of memory (the sandbox allows ${formatBytes(limits.memoryBytes)})`;
  }
  if (/Resource temporarily unavailable|EAGAIN|BlockingIOError|fork/i.test(tail)) {
    return `it hit the limit of ${limits.processes} processes`;
  }
  if (
    /Network is unreachable|Connection refused|ENETUNREACH|ECONNREFUSED|EAI_AGAIN|gaierror|Name or service not known|Temporary failure in name resolution|socket/i.test(
      tail,
    )
  ) {
    return "programs have no network access in the sandbox";
  }
  if (
    /Read-only file system|EROFS|Permission denied|EACCES|Operation not permitted|EPERM/i.test(tail)
  ) {
    return "programs may only write to /tmp and their standard output";
  }
  if (/No such file or directory|ENOENT/i.test(tail)) {
    return "the sandbox only shows /usr, /tmp and the job's programs (in /job)";
  }
  if (/Too many open files|EMFILE/i.test(tail)) {
    return `it opened more than ${limits.openFiles} files`;
  }
  return null;
}
