// The body of a task thread: runs one attempt at a time for the pool (task-pool.ts) and reports
// the processes it starts, so that the pool can kill them on timeout or cancel.
import { parentPort } from "node:worker_threads";
import { sandboxHandle, type SandboxHandle } from "./sandbox";
import { AttemptError, runAttempt, type AttemptRequest } from "./task-runner";

export type ThreadMessage =
  | { type: "spawned"; pid: number; sandbox?: SandboxHandle }
  | { type: "exited"; pid: number }
  | { type: "progress"; counters: import("./counters").Counters; status: string | null }
  | { type: "done"; result: import("./task-runner").AttemptResult }
  | { type: "failed"; message: string; stderrTail: string; internal: boolean };

const port = parentPort;
if (port) {
  const send = (m: ThreadMessage) => port.postMessage(m);
  port.on("message", (req: AttemptRequest) => {
    runAttempt(req, {
      spawned(child) {
        if (child.pid === undefined) return;
        const pid = child.pid;
        // The pool cleans up the task's cgroup (or pool uid) itself if it has to kill the thread.
        send({ type: "spawned", pid, sandbox: sandboxHandle(child) });
        child.once("exit", () => send({ type: "exited", pid }));
      },
      progress: (counters, status) => send({ type: "progress", counters, status }),
    }).then(
      (result) => send({ type: "done", result }),
      (error: unknown) =>
        send(
          error instanceof AttemptError
            ? {
                type: "failed",
                message: error.message,
                stderrTail: error.stderrTail,
                internal: false,
              }
            : {
                type: "failed",
                message: error instanceof Error ? (error.stack ?? error.message) : String(error),
                stderrTail: "",
                internal: true,
              },
        ),
    );
  });
}
