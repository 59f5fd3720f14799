import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createDb, transaction } from "./db";
import { newId } from "./ids";
import { pruneHistory } from "./retention";
import { createRuns } from "./store";
import { databaseUrl, resetExecutorTables } from "./testing/harness";

const db = createDb(databaseUrl(), 2);
beforeEach(resetExecutorTables);
afterAll(() => db.end());

describe("pruneHistory", () => {
  it("deletes finished runs and events older than the cutoff, never active runs", async () => {
    const now = Date.now();
    const old = now - 10 * 86_400_000;
    const [done, active, recent] = (
      await transaction(db, (tx) =>
        createRuns(
          tx,
          [1, 2, 3].map(() => ({ functionId: "app-fn", eventId: newId(), event: { name: "x" } })),
          old,
        ),
      )
    ).map((run) => run.id);
    await db.query("UPDATE ExecRun SET status = 'completed', finishedAt = ? WHERE id = ?", [
      old,
      done,
    ]);
    await db.query("UPDATE ExecRun SET status = 'completed', finishedAt = ? WHERE id = ?", [
      now,
      recent,
    ]);
    await db.query(
      "INSERT INTO ExecStep (runId, id, op, name, status, updatedAt) VALUES (?, 's', 'StepRun', 's', 'done', ?)",
      [done, old],
    );
    await db.query(
      "INSERT INTO ExecEvent (id, name, payload, receivedAt) VALUES (?, 'x', '{}', ?), (?, 'x', '{}', ?)",
      [newId(), old, newId(), now],
    );

    expect(await pruneHistory(db, now - 86_400_000)).toBe(2);
    const runs: { id: string }[] = await db.query("SELECT id FROM ExecRun ORDER BY id");
    expect(runs.map((r) => r.id).sort()).toEqual([active, recent].sort());
    expect(await db.query("SELECT * FROM ExecStep")).toHaveLength(0);
    expect(await db.query("SELECT * FROM ExecEvent")).toHaveLength(1);
  });
});
