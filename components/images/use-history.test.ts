import { describe, expect, it } from "vitest";
import { moveStep } from "./chain-editor";
import { historyReducer, type HistoryState } from "./use-history";
import { defaultStep } from "@/lib/images/catalog";
import type { Chain } from "@/lib/images/chain";

const start = (value: string): HistoryState<string> => ({
  past: [],
  present: value,
  future: [],
  group: null,
  groupAt: 0,
});

describe("editor history", () => {
  it("undoes and redoes changes in order, and a new change drops the redo branch", () => {
    let s = start("a");
    s = historyReducer(s, { type: "set", value: "b", at: 1 });
    s = historyReducer(s, { type: "set", value: "c", at: 2 });
    s = historyReducer(s, { type: "undo" });
    expect(s.present).toBe("b");
    s = historyReducer(s, { type: "undo" });
    expect(s.present).toBe("a");
    s = historyReducer(s, { type: "undo" });
    expect(s.present).toBe("a");
    s = historyReducer(s, { type: "redo" });
    expect(s.present).toBe("b");
    s = historyReducer(s, { type: "set", value: "x", at: 3 });
    expect(s.future).toEqual([]);
    s = historyReducer(s, { type: "redo" });
    expect(s.present).toBe("x");
    expect(s.past).toEqual(["a", "b"]);
  });

  it("makes one undo step of a slider drag, but not of separate drags", () => {
    let s = start("0");
    for (const [i, v] of ["1", "2", "3"].entries()) {
      s = historyReducer(s, { type: "set", value: v, group: "blur:sigma", at: 1_000 + i * 100 });
    }
    expect(s.past).toEqual(["0"]);
    // The same slider again, after a pause: a new step.
    s = historyReducer(s, { type: "set", value: "4", group: "blur:sigma", at: 5_000 });
    // Another setting right away: a new step too.
    s = historyReducer(s, { type: "set", value: "5", group: "blur:other", at: 5_100 });
    expect(s.past).toEqual(["0", "3", "4"]);
    s = historyReducer(s, { type: "undo" });
    s = historyReducer(s, { type: "undo" });
    expect(s.present).toBe("3");
  });
});

describe("moveStep", () => {
  const chain: Chain = [defaultStep("grayscale"), defaultStep("blur"), defaultStep("flop")];
  const kinds = (c: Chain) => c.map((s) => s.kind);

  it("moves a step and keeps the others in order", () => {
    expect(kinds(moveStep(chain, 2, 0))).toEqual(["flop", "grayscale", "blur"]);
    expect(kinds(moveStep(chain, 0, 1))).toEqual(["blur", "grayscale", "flop"]);
    expect(kinds(chain)).toEqual(["grayscale", "blur", "flop"]);
  });

  it("ignores moves past either end", () => {
    expect(moveStep(chain, 0, -1)).toBe(chain);
    expect(moveStep(chain, 2, 3)).toBe(chain);
  });
});
