import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The web server starts above users' background work on the CPU (web_priority_prefix in
// scripts/lib.sh; why: docs/isolation-bench.md, eighth session). Lowering a nice value needs
// root, as `npm run up` and CI run; skipped otherwise.
const root = process.getuid?.() === 0;
const ROOT = path.resolve(import.meta.dirname, "..");

const sh = (script: string, env: Record<string, string> = {}) =>
  spawnSync("bash", ["-c", `source scripts/lib.sh; ${script}`], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, STRATUS_WEB_NICE: "", ...env },
  });

describe.runIf(root)("the web server's CPU priority", () => {
  it("starts the server at nice -5, kept after it drops to the service user", () => {
    const prefix = sh('web_priority_prefix; echo "${WEB_PRIORITY[*]}"').stdout.trim();
    expect(prefix).toBe("nice -n -5");
    const script = [
      "web_priority_prefix",
      "service_user_prefix",
      `"\${WEB_PRIORITY[@]}" "\${AS_SERVICE[@]}" bash -c 'echo "$(id -un) $(cut -d" " -f19 /proc/$$/stat)"'`,
    ].join("; ");
    const [user, nice] = sh(script).stdout.trim().split("\n").pop()!.split(" ");
    expect(Number(nice)).toBe(-5);
    // As the service user when it can read the clone (service_user_prefix says when it cannot).
    const readable =
      spawnSync("setpriv", [
        "--reuid=nobody",
        "--regid=nogroup",
        "--clear-groups",
        "test",
        "-r",
        path.join(ROOT, "package.json"),
      ]).status === 0;
    if (readable) expect(user).toBe("stratus");
  });

  it("leaves the server's children free to go below it, as its render and zip processes do", () => {
    // The render pool and the zip route lower their processes to nice 10 (setPriority as the
    // service user): raising a nice value needs no privilege.
    const out = sh(
      `web_priority_prefix; service_user_prefix; "\${WEB_PRIORITY[@]}" "\${AS_SERVICE[@]}" ` +
        `bash -c 'sleep 30 & renice -n 10 -p $! >/dev/null && cut -d" " -f19 /proc/$!/stat; kill $!'`,
    );
    expect(out.stdout.trim()).toBe("10");
  });

  it("is off with STRATUS_WEB_NICE=0 and refuses a value that would lower the server", () => {
    expect(
      sh('web_priority_prefix; echo "[${WEB_PRIORITY[*]}]"', {
        STRATUS_WEB_NICE: "0",
      }).stdout.trim(),
    ).toBe("[]");
    expect(
      sh('web_priority_prefix; echo "${WEB_PRIORITY[*]}"', {
        STRATUS_WEB_NICE: "-10",
      }).stdout.trim(),
    ).toBe("nice -n -10");
    const bad = sh("web_priority_prefix", { STRATUS_WEB_NICE: "5" });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/STRATUS_WEB_NICE wants a whole number from -20 to 0, not '5'/);
  });
});

it("the scripts start every web server through the priority prefix", () => {
  // up.sh (one server) and instances.sh (several behind nginx) both start `next start`.
  for (const file of ["scripts/up.sh", "scripts/deploy/instances.sh"]) {
    const text = execFileSync("cat", [path.join(ROOT, file)], { encoding: "utf8" });
    expect(text).toMatch(/web_priority_prefix/);
    expect(text).toMatch(
      /"\$\{WEB_PRIORITY\[@\]\}" "\$\{AS_SERVICE\[@\]\}"[^\n]*\n?[^\n]*next start/,
    );
  }
});
