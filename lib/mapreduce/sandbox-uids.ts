// Where no cgroup can be made for a task (task-cgroup.ts), each sandboxed program runs as a uid
// of its own, taken from a pool, so that RLIMIT_NPROC — which the kernel counts per uid across
// the machine — bounds this task alone and not every user's tasks at once. The uids have no
// passwd entry and own no file: programs only write to their private tmpfs and to descriptors
// the worker opened. Lock files (O_EXCL) hand a uid to one program at a time across processes,
// so two workers on one machine never share one; a lock whose worker died is taken over.
import {
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
  closeSync,
} from "node:fs";
import { join } from "node:path";
import { processStartTime } from "./task-cgroup";

const LOCKS = process.env.STRATUS_SANDBOX_UID_DIR ?? "/run/stratus-sandbox-uids";
/** Far above any uid a distribution or a directory service hands out. */
const BASE = Number(process.env.STRATUS_SANDBOX_UID_BASE ?? 1_900_000_000);
const SIZE = 4096;

function ownerAlive(lock: string): boolean {
  try {
    const [pid, start] = readFileSync(lock, "utf8").split(" ");
    return start !== undefined && processStartTime(Number(pid)) === start.trim();
  } catch {
    return false;
  }
}

const me = () => `${process.pid} ${processStartTime("self")}`;

/** A uid no other sandboxed program holds; null when the pool is exhausted or unusable. */
export function acquireSandboxUid(): number | null {
  try {
    mkdirSync(LOCKS, { recursive: true, mode: 0o700 });
  } catch {
    return null;
  }
  const start = Math.floor(Math.random() * SIZE);
  for (let i = 0; i < SIZE; i++) {
    const uid = BASE + ((start + i) % SIZE);
    const lock = join(LOCKS, String(uid));
    for (let tries = 0; tries < 2; tries++) {
      try {
        const fd = openSync(lock, "wx", 0o600);
        writeSync(fd, me());
        closeSync(fd);
        killUid(uid); // leftovers of a worker that died holding it
        return uid;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") return null;
        if (ownerAlive(lock)) break;
        try {
          unlinkSync(lock);
        } catch {
          break;
        }
      }
    }
  }
  return null;
}

/** Kills what is left of the program (every process of its uid) and frees the uid. */
export function releaseSandboxUid(uid: number): void {
  killUid(uid);
  try {
    unlinkSync(join(LOCKS, String(uid)));
  } catch {
    // released already
  }
}

function killUid(uid: number): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid)
        process.kill(Number(entry), "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
}
