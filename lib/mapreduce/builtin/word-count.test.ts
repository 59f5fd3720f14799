import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PartitionWriter } from "../partition";
import { readLines } from "../task-io";
import { createBuiltinMapper } from "./index";
import type { BuiltinMapContext } from "./types";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(): BuiltinMapContext & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "wc-mapper-"));
  dirs.push(dir);
  return {
    dir,
    partitions: 1,
    combine: true,
    counters: {},
    side: "left",
    out: new PartitionWriter(dir, 1),
  };
}

describe("word count's map task", () => {
  // V8 keeps a function's optimized code with its feedback: closures made afresh per task were
  // compiled again for every task (docs/mapreduce.md, fifth pass).
  it("runs one line function for every task, not closures made per task", () => {
    const a = createBuiltinMapper({ kind: "word-count" }, context());
    const b = createBuiltinMapper({ kind: "word-count" }, context());
    expect(a.line).toBe(b.line);
  });

  it("is fed by readLines as a method of the mapper", () => {
    const ctx = context();
    const input = join(ctx.dir, "input.txt");
    writeFileSync(input, "d1\tThe cat\nd2\tthe CAT sat");
    const mapper = createBuiltinMapper({ kind: "word-count" }, ctx);
    expect(readLines(input, 0, 25, mapper, () => {})).toBe(2);
    mapper.spill();
    ctx.out.close();
    expect(readFileSync(join(ctx.dir, "p-00000"), "latin1")).toBe(
      "cat\t2\nd1\t1\nd2\t1\nsat\t1\nthe\t2\n",
    );
  });
});
