import { execFileSync, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// Issue 14 item 14: another local user reads the objects, mails and logs under .data/. The
// attack needs a second user, so it runs as root (as CI and `npm run up` do) and is skipped
// otherwise.
const root = process.getuid?.() === 0;
const ROOT = path.resolve(import.meta.dirname, "..");
const DATA = path.join(ROOT, ".data");

const sh = (script: string) =>
  execFileSync("bash", ["-c", `source scripts/lib.sh; ${script}`], { cwd: ROOT, encoding: "utf8" });

describe.runIf(root)("attack: another local user reads .data (issue 14 item 14)", () => {
  it("cannot read a file under .data, even one left world-readable", () => {
    sh("true");
    expect(statSync(DATA).mode & 0o777).toBe(0o700);
    const probe = path.join(DATA, `probe-${randomUUID()}.eml`);
    writeFileSync(probe, "Subject: someone else's mail\n", { mode: 0o644 });
    try {
      const r = spawnSync(
        "setpriv",
        ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", probe],
        { encoding: "utf8" },
      );
      expect(r.stdout).toBe("");
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(probe, { force: true });
    }
  });

  it("runs the web server and listener as the unprivileged user stratus", () => {
    const prefix = sh('service_user_prefix; echo "${AS_SERVICE[*]}"').trim().split("\n").pop();
    // Empty only when the clone is unreadable to other users (then the scripts say so).
    const readable =
      spawnSync("setpriv", [
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "test",
        "-r",
        path.join(ROOT, "package.json"),
      ]).status === 0;
    if (!readable) return;
    expect(prefix).toMatch(
      /^setpriv --reuid=stratus --regid=stratus --init-groups --inh-caps=-all env HOME=\/nonexistent$/,
    );
    const id = execFileSync("bash", ["-c", `${prefix} id -un`], { encoding: "utf8" }).trim();
    expect(id).toBe("stratus");
  });
});
