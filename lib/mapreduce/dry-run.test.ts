import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { putImage } from "@/lib/images/testing/fixtures";
import { session } from "@/lib/auth/testing/session-stub";
import { liveProcesses, sandboxUid } from "./test-helpers";
import {
  dryRun,
  DRY_RUN_OUTPUT_BYTES,
  DRY_RUN_LINES,
  firstLines,
  sortByKey,
  group,
} from "./dry-run";
import { fixture } from "./test-helpers";

vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));
vi.stubEnv("MAPREDUCE_WORK_DIR", `/tmp/stratus-mr-dry-${process.pid}`);
const { dryRunAction, saveProgramAction, loadProgramAction } = await import("./actions");

// The dry run runs the user's real programs in the tasks' sandbox: these tests run real Python
// under bwrap/seccomp/prlimit, as a real task would.

const program = (name: string) => ({
  name,
  source: readFileSync(fixture("programs", name), "utf8"),
});
const WC = { mapper: program("wc_mapper.py"), reducer: program("wc_reducer.py") };
/** 150 numbered lines: "line 0 alpha", "line 1 beta", … */
const WORDS = ["alpha", "beta", "gamma"];
const TEXT = Array.from({ length: 150 }, (_, i) => `line ${i} ${WORDS[i % 3]}`).join("\n") + "\n";
const input = (text = TEXT, complete = true) => ({ name: "in.txt", text, complete });

let alice = "";
let bob = "";
beforeAll(async () => {
  alice = await makeUser();
  bob = await makeUser();
});
afterAll(async () => {
  session.user = null;
  await removeUsers(alice, bob);
  vi.unstubAllEnvs();
});

describe("the dry run's shuffle", () => {
  it("takes whole lines only, sorts by key in byte order (stable) and groups runs", () => {
    expect(firstLines("a\nb\nc", 2, true)).toBe("a\nb\n");
    expect(firstLines("a\nb\nc", 5, true)).toBe("a\nb\nc\n");
    expect(firstLines("a\nb\nc", 5, false)).toBe("a\nb\n");
    const sorted = sortByKey("b\t1\nB\t2\na\tx\nb\t0\n");
    expect(sorted).toEqual(["B\t2", "a\tx", "b\t1", "b\t0"]);
    expect(group(sorted)).toEqual([
      { key: "B", values: ["2"] },
      { key: "a", values: ["x"] },
      { key: "b", values: ["1", "0"] },
    ]);
  });
});

describe("dryRun with real sandboxed programs", () => {
  it("shows map output, sorted groups and reduce output for the first 100 lines", async () => {
    const r = await dryRun(alice, { ...WC, input: input() });
    expect(r.input.lines).toBe(DRY_RUN_LINES);
    expect(r.map.error).toBeNull();
    // 3 words a line over 100 lines.
    expect(r.map.records).toBe(300);
    expect(r.map.output.split("\n").slice(0, 3)).toEqual(["line\t1", "0\t1", "alpha\t1"]);
    const keys = r.groups.map((g) => g.key);
    expect(keys).toEqual([...keys].sort());
    expect(r.groups.find((g) => g.key === "line")?.values).toHaveLength(100);
    expect(r.reduce?.error).toBeNull();
    const counts = Object.fromEntries(
      r
        .reduce!.output.trim()
        .split("\n")
        .map((l) => l.split("\t") as [string, string]),
    );
    // Lines 0..99: alpha on 0,3,…,99 (34), beta 33, gamma 33; line 150 is not read.
    expect(counts).toMatchObject({ line: "100", alpha: "34", beta: "33", gamma: "33", "99": "1" });
    expect(counts["100"]).toBeUndefined();
  });

  it("runs the mapper as the sandbox user, not as the server", async () => {
    const r = await dryRun(alice, {
      mapper: {
        name: "whoami.py",
        source:
          "import os, sys\nsys.stdin.read()\nprint(f'uid\\t{os.getuid()}')\nprint(open('/etc/hostname').read())\n",
      },
      reducer: null,
      input: input(),
    });
    expect(r.map.output).toContain("uid\t65534");
    // /etc is not in the sandbox: the read fails, the user sees why.
    expect(r.map.error).toMatch(/The mapper exited with status 1/);
    expect(r.map.stderr).toContain("No such file or directory");
    expect(r.reduce).toBeNull();
  });

  it("shows a syntax error with the program's stderr and runs no reducer", async () => {
    const r = await dryRun(alice, {
      mapper: program("syntax_error_mapper.py"),
      reducer: WC.reducer,
      input: input(),
    });
    expect(r.map.error).toMatch(/The mapper exited with status 1/);
    expect(r.map.stderr).toContain("SyntaxError");
    expect(r.reduce).toBeNull();
  });

  it("caps the output and stops a program that runs too long", async () => {
    const flood = await dryRun(alice, {
      mapper: {
        name: "flood.py",
        source: "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
      },
      reducer: null,
      input: input(),
    });
    expect(flood.map.error).toMatch(/wrote more than 256 KiB \(the limit of a test run\)/);
    expect(flood.map.output.length).toBeLessThanOrEqual(DRY_RUN_OUTPUT_BYTES);
    const spin = await dryRun(alice, {
      mapper: { name: "spin.py", source: "while True:\n    pass\n" },
      reducer: null,
      input: input(),
    });
    // 5 s of CPU (SIGXCPU) or the wall-clock limit, whichever comes first on a loaded machine.
    expect(spin.map.error).toMatch(/CPU time|did not finish within/);
    const uid = sandboxUid();
    expect(
      liveProcesses().filter((p) => p.ours && p.uid === uid && /spin\.py/.test(p.cmdline)),
    ).toEqual([]);
  });

  it("allows one dry run at a time per user; another user is not held up", async () => {
    const slow = {
      mapper: { name: "slow.py", source: "import sys, time\nsys.stdin.read()\ntime.sleep(3)\n" },
      reducer: null,
      input: input(),
    };
    const first = dryRun(alice, slow);
    await expect(dryRun(alice, { ...WC, input: input() })).rejects.toThrow(
      /A test run of yours is still running/,
    );
    const other = await dryRun(bob, { ...WC, input: input() });
    expect(other.map.error).toBeNull();
    expect((await first).map.error).toBeNull();
    // Once it ended, the next one runs.
    expect((await dryRun(alice, { ...WC, input: input() })).map.error).toBeNull();
  });
});

describe("the editor's actions", () => {
  it("save a program to the chosen folder, open it again, and dry-run over the user's own input only", async () => {
    session.user = { id: alice };
    const saved = await saveProgramAction({ ...WC.mapper, folderId: null });
    expect(saved.ok).toBe(true);
    const loaded = await loadProgramAction(saved.file!.id);
    expect(loaded.program?.source).toBe(WC.mapper.source);
    const mine = await putImage(alice, "in.txt", Buffer.from(TEXT), "text/plain");
    const r = await dryRunAction({ ...WC, inputFileId: mine.id });
    expect(r.ok).toBe(true);
    expect(r.result?.input).toEqual({ name: "in.txt", lines: 100 });

    // Bob cannot dry-run over Alice's file, nor open her program.
    session.user = { id: bob };
    const theirs = await dryRunAction({ ...WC, inputFileId: mine.id });
    expect(theirs).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no longer in your Drive/),
    });
    expect((await loadProgramAction(saved.file!.id)).ok).toBe(false);
    const bad = await saveProgramAction({ name: "../x.py", source: "print(1)", folderId: null });
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/letters, digits/) });
  });
});
