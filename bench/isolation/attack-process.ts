// Starts user A's attack (attacks.ts) in a process of its own (attacker.ts), one per attacked
// round, so that A's client — gigabytes of zip and 50 streams read as fast as they come — does
// not share the thread that times B's requests. The same interface as startAttack.
import { fork } from "node:child_process";
import { Tally, type Session } from "./http";
import type { Attack, AttackFiles, AttackReport } from "./attacks";

type FromChild =
  | { type: "listening" }
  | { type: "ready"; text: string }
  | { type: "report"; report: Omit<AttackReport, "messages"> & { messages: [string, number][] } }
  | { type: "error"; message: string };

export function startAttackProcess(a: Session, files: AttackFiles): Attack & { pid: number } {
  // The parent's node flags (tsx, react-server conditions) and environment (the bench's
  // database, store and event API) are the child's.
  const child = fork(new URL("./attacker.ts", import.meta.url).pathname, [], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waitFor = <T extends FromChild["type"]>(type: T) =>
    new Promise<Extract<FromChild, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type === type) {
          off();
          resolve(m as Extract<FromChild, { type: T }>);
        } else if (m.type === "error") {
          off();
          reject(new Error(`A's process: ${m.message}`));
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        off();
        reject(new Error(`A's process ended (${signal ?? code}) before "${type}"`));
      };
      const off = () => {
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });

  const listening = waitFor("listening");
  const ready = (async () => {
    await listening;
    const readyMessage = waitFor("ready");
    child.send({
      type: "start",
      baseUrl: a.baseUrl,
      account: a.account,
      cookie: a.cookie,
      files,
    });
    return (await readyMessage).text;
  })();

  const stop = async (): Promise<AttackReport> => {
    await ready.catch(() => undefined);
    const reported = waitFor("report");
    child.send({ type: "stop" });
    const { report } = await reported;
    const exited = new Promise((r) => child.once("exit", r));
    child.disconnect();
    await exited;
    const messages = new Tally();
    for (const [m, n] of report.messages) messages.counts.set(m, n);
    return { ...report, messages };
  };
  return { ready, stop, pid: child.pid! };
}
