import { describe, expect, it } from "vitest";
import { compileExpression, ExpressionError } from "./expression";

const run = (source: string, vars: Record<string, unknown>) =>
  compileExpression(source).evaluate(vars);

describe("expressions", () => {
  it("evaluates what the SDK generates for cancelOn match and onFailure", () => {
    const match = "event.data.jobId == async.data.jobId";
    expect(run(match, { event: { data: { jobId: "a" } }, async: { data: { jobId: "a" } } })).toBe(
      true,
    );
    expect(run(match, { event: { data: { jobId: "a" } }, async: { data: { jobId: "b" } } })).toBe(
      false,
    );
    expect(
      run("event.data.function_id == 'stratus-x'", {
        event: { data: { function_id: "stratus-x" } },
      }),
    ).toBe(true);
  });

  it("never matches on a missing field", () => {
    expect(
      run("event.data.id == async.data.id", { event: { data: {} }, async: { data: {} } }),
    ).toBe(false);
  });

  it("supports comparisons, boolean logic, indexes and literals", () => {
    const vars = { event: { data: { n: 5, tags: ["x", "y"], ok: true, name: "b" } } };
    expect(run("event.data.n > 3 && event.data.n <= 5", vars)).toBe(true);
    expect(run('event.data.n < 3 || event.data.tags[1] == "y"', vars)).toBe(true);
    expect(run("!(event.data.ok == true)", vars)).toBe(false);
    expect(run("event.data['name'] != 'a'", vars)).toBe(true);
    expect(run("event.data.missing == null", vars)).toBe(false);
  });

  it("refuses syntax outside the subset", () => {
    expect(() => compileExpression("event.data.tags.exists(t, t == 'x')")).toThrow(ExpressionError);
    expect(() => compileExpression("event.data.n + 1 == 2")).toThrow(ExpressionError);
    expect(() => compileExpression("event.data.n ==")).toThrow(ExpressionError);
  });
});
