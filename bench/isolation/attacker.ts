// User A's client in a process of its own (started by attack-process.ts). A's attack reads
// gigabytes of zip and 50 live streams as fast as the server sends them: on the bench's own
// thread that work delayed B's requests in the client, before and after the server had
// answered, and B's figures measured the bench as much as the server. Here A's client gets a
// process, as a neighbour on another machine would have one.
//
// Messages from the parent: { type: "start", baseUrl, account, cookie, files } once, then
// { type: "stop" }. To the parent: { type: "ready", text }, then { type: "report", report } with
// the Tally's counts as entries (a Map crosses the channel, the class does not).
import { Session, type Account } from "./http";
import type { AttackFiles } from "./attacks";

type Start = {
  type: "start";
  baseUrl: string;
  account: Account;
  cookie: string;
  files: AttackFiles;
};
type Message = Start | { type: "stop" };

const send = (message: unknown) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );

const { startAttack } = await import("./attacks");
let attack: ReturnType<typeof startAttack> | undefined;

process.on("message", (message: Message) => {
  void (async () => {
    if (message.type === "start") {
      const a = new Session(message.baseUrl, message.account, message.cookie);
      attack = startAttack(a, message.files);
      await send({ type: "ready", text: await attack.ready });
    } else if (message.type === "stop" && attack) {
      const report = await attack.stop();
      await send({
        type: "report",
        report: { ...report, messages: [...report.messages.counts] },
      });
    }
  })().catch(async (error: unknown) => {
    await send({ type: "error", message: (error as Error).stack ?? String(error) });
  });
});
// The parent went away: so does A.
process.on("disconnect", () => process.exit(0));
await send({ type: "listening" });
