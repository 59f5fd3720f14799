import { randomUUID } from "node:crypto";
import { canonicalJson } from "../canonical-json";

// The body of a first call to a function for `event`, as the executor (lib/executor/protocol.ts)
// sends it (no steps yet: version -1, lib/executor/protocol.ts callVersion): for tests that call
// serve endpoints directly.
export function firstCallBody(event: { name: string; data: Record<string, unknown> }): string {
  return canonicalJson({
    event: { ...event, id: randomUUID(), ts: Date.now() },
    events: [],
    steps: {},
    ctx: {
      run_id: randomUUID(),
      attempt: 0,
      max_attempts: 4,
      disable_immediate_execution: false,
      use_api: false,
      stack: { stack: [], current: 0 },
    },
    version: -1,
  });
}
