import { transaction, type Db, type Tx } from "./db";
import { resolveTime } from "./duration";
import type { FunctionDef } from "./functions";
import { newId } from "./ids";
import { finishRun, type JsonError } from "./lifecycle";
import { callFunction, retryAfterMs, type CallResult, type Op } from "./protocol";
import {
  completeStep,
  createRuns,
  getRun,
  getSteps,
  loadFunctions,
  pendStep,
  releaseRun,
  type RunRow,
  type StepRow,
} from "./store";

// Drives one leased run: calls the serve endpoint, stores what each call produced, and calls again
// until the run finishes or has to wait (sleep, retry backoff, an invoked child). Every write
// first re-reads the run under a row lock and checks the lease is still ours, so a worker that
// lost its lease (it stalled, or the run was cancelled) can never record a step.

export type DriverOptions = {
  db: Db;
  owner: string;
  signingKey: string;
  backoffMs: (attempt: number) => number;
  /** A call that has not answered by then counts as a failed attempt. */
  requestTimeoutMs: number;
  /**
   * This worker's own serve endpoint: calls go there rather than to the URL the last worker to
   * sync registered, so that every worker on a machine runs the steps it claims (all of them
   * serve the same functions).
   */
  serveUrl?: string;
  log: (line: string) => void;
};

type Outcome = "continue" | "stop";

const UNSUPPORTED_OPS: Record<string, string> = {
  WaitForEvent: "step.waitForEvent",
  WaitForSignal: "step.waitForSignal",
  AIGateway: "step.ai",
  Gateway: "step.fetch",
  DeferAdd: "defer",
  DeferAbort: "defer",
};

// A safety valve: a function that plans steps forever still gives its lease back now and then.
const MAX_CALLS_PER_LEASE = 500;

export class RunDriver {
  constructor(private readonly options: DriverOptions) {}

  /** Drives until the run stops needing us. `shouldYield` asks it to hand the run back early. */
  async drive(runId: string, signal: AbortSignal, shouldYield: () => boolean): Promise<void> {
    for (let calls = 0; !signal.aborted; calls++) {
      const run = await getRun(this.options.db, runId);
      if (!run || run.status !== "running" || run.leaseOwner !== this.options.owner) return;
      const steps = await getSteps(this.options.db, runId);
      if (shouldYield() || calls >= MAX_CALLS_PER_LEASE) {
        await this.release(run, doneCount(steps), Date.now());
        return;
      }
      const fn = (await loadFunctions(this.options.db)).get(run.functionId);
      if (!fn) {
        await this.write(run, async (tx, locked, now) => {
          await finishRun(
            tx,
            locked,
            {
              status: "failed",
              error: {
                name: "Error",
                message: `function "${run.functionId}" is not synced with this executor`,
              },
            },
            now,
          );
        });
        return;
      }
      if ((await this.step(run, steps, fn, signal)) === "stop") return;
    }
  }

  private async step(
    run: RunRow,
    steps: StepRow[],
    fn: FunctionDef,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const now = Date.now();
    const pending = steps.filter((s) => s.status === "pending");
    const due = (s: StepRow) => s.availableAt !== null && s.availableAt <= now;

    const planned = pending.filter((s) => s.op === "StepPlanned" && due(s));
    if (planned.length > 0) {
      const results = await Promise.all(planned.map((s) => this.call(run, steps, fn, s, signal)));
      return results.includes("stop") ? "stop" : "continue";
    }
    const woken = pending.filter((s) => (s.op === "Sleep" || s.op === "InvokeFunction") && due(s));
    if (woken.length > 0) {
      return this.write(run, async (tx) => {
        for (const s of woken) {
          // A sleep is over; an invoke that is still pending has timed out.
          const result =
            s.op === "Sleep"
              ? { data: null }
              : {
                  error: {
                    name: "InngestInvokeTimeoutError",
                    message: `invoked function timed out`,
                  },
                };
          await completeStep(tx, run.id, s, result, now);
        }
        return "continue";
      });
    }
    if (pending.length > 0 || run.availableAt > now) {
      await this.release(run, doneCount(steps), now);
      return "stop";
    }
    return this.call(run, steps, fn, null, signal);
  }

  /** The registered URL (which carries the function's query) on this worker's own endpoint. */
  private callUrl(registered: string): string {
    if (!this.options.serveUrl) return registered;
    const url = new URL(registered);
    const own = new URL(this.options.serveUrl);
    url.protocol = own.protocol;
    url.host = own.host;
    url.pathname = own.pathname;
    return url.toString();
  }

  /** One request: the function itself (`target` null) or one planned step. */
  private async call(
    run: RunRow,
    steps: StepRow[],
    fn: FunctionDef,
    target: StepRow | null,
    signal: AbortSignal,
  ): Promise<Outcome> {
    const done = steps
      .filter((s) => s.status === "done")
      .sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    const memo: Record<string, unknown> = {};
    for (const s of done) memo[s.id] = JSON.parse(s.result ?? "null");
    const attempt = target ? target.attempt : run.attempt;
    const result = await callFunction({
      url: this.callUrl(fn.url),
      stepId: target ? target.id : "step",
      signingKey: this.options.signingKey,
      event: JSON.parse(run.event),
      steps: memo,
      stack: done.map((s) => s.id),
      runId: run.id,
      attempt,
      maxAttempts: fn.maxAttempts,
      disableImmediate: run.disableImmediate,
      signal,
      timeoutMs: this.options.requestTimeoutMs,
    });
    if (signal.aborted) return "stop";
    return this.write(run, (tx, locked, now) =>
      this.apply(tx, locked, fn, target, attempt, result, now),
    );
  }

  private async apply(
    tx: Tx,
    run: RunRow,
    fn: FunctionDef,
    target: StepRow | null,
    attempt: number,
    result: CallResult,
    now: number,
  ): Promise<Outcome> {
    if (result.kind === "done") {
      await finishRun(tx, run, { status: "completed", output: result.data }, now);
      return "stop";
    }
    if (result.kind === "error") {
      if (!result.retriable) {
        await finishRun(tx, run, { status: "failed", error: result.error }, now);
        return "stop";
      }
      this.options.log(
        `run ${run.id} (${fn.id}): attempt ${attempt + 1} failed: ${result.error.message}`,
      );
      const next = attempt + 1;
      const delay = retryAfterMs(result.retryAfter, now) ?? this.options.backoffMs(attempt);
      if (target) {
        if (next >= fn.maxAttempts)
          await completeStep(tx, run.id, target, { error: result.error }, now);
        else
          await pendStep(tx, run.id, { ...target, attempt: next, availableAt: now + delay }, now);
        return "continue";
      }
      if (next >= fn.maxAttempts) {
        await finishRun(tx, run, { status: "failed", error: result.error }, now);
        return "stop";
      }
      await releaseRun(tx, run.id, { status: "queued", availableAt: now + delay, attempt: next });
      return "stop";
    }
    // A call that produced ops made progress: the function-level attempt starts over.
    if (run.attempt !== 0) await tx.query("UPDATE ExecRun SET attempt = 0 WHERE id = ?", [run.id]);
    if (result.ops.length > 1 && !run.disableImmediate) {
      await tx.query("UPDATE ExecRun SET disableImmediate = TRUE WHERE id = ?", [run.id]);
    }
    for (const op of result.ops) {
      const outcome = await this.applyOp(tx, run, op, target, attempt, result.retryAfter, now);
      if (outcome === "stop") return "stop";
    }
    return "continue";
  }

  private async applyOp(
    tx: Tx,
    run: RunRow,
    op: Op,
    target: StepRow | null,
    attempt: number,
    retryAfter: string | null,
    now: number,
  ): Promise<Outcome> {
    const name = op.displayName ?? op.name ?? op.id;
    const step = { id: op.id, op: op.op, name };
    switch (op.op) {
      case "StepRun":
      case "Step":
        await completeStep(tx, run.id, step, { data: op.data ?? null }, now);
        return "continue";
      case "StepFailed":
        await completeStep(tx, run.id, step, { error: op.error ?? null }, now);
        return "continue";
      case "StepError": {
        // The SDK says StepFailed on the last attempt, so this one is always retried.
        const stepAttempt = attempt;
        const delay = retryAfterMs(retryAfter, now) ?? this.options.backoffMs(stepAttempt);
        this.options.log(
          `run ${run.id}: step "${name}" attempt ${stepAttempt + 1} failed; retrying in ${delay} ms`,
        );
        await pendStep(
          tx,
          run.id,
          {
            ...step,
            op: "StepPlanned",
            attempt: stepAttempt + 1,
            availableAt: now + delay,
            opts: op.opts,
          },
          now,
        );
        return "continue";
      }
      case "StepPlanned":
        await pendStep(tx, run.id, { ...step, attempt: 0, availableAt: now, opts: op.opts }, now);
        return "continue";
      case "Sleep": {
        const wake = resolveTime(op.name ?? "", now);
        if (wake === null)
          return this.failRun(tx, run, `step "${name}": cannot read sleep time "${op.name}"`, now);
        await pendStep(tx, run.id, { ...step, attempt: 0, availableAt: wake }, now);
        return "continue";
      }
      case "InvokeFunction":
        return this.invoke(tx, run, op, step, now);
      case "RunComplete":
        await finishRun(tx, run, { status: "completed", output: op.data ?? null }, now);
        return "stop";
      default: {
        const feature = UNSUPPORTED_OPS[op.op] ?? `the "${op.op}" operation`;
        return this.failRun(
          tx,
          run,
          `step "${name}" uses ${feature}, which the local executor does not support`,
          now,
        );
      }
    }
  }

  private async invoke(
    tx: Tx,
    run: RunRow,
    op: Op,
    step: { id: string; op: string; name: string },
    now: number,
  ): Promise<Outcome> {
    const opts = op.opts ?? {};
    const functionId = typeof opts.function_id === "string" ? opts.function_id : "";
    const payload = (opts.payload ?? {}) as { data?: Record<string, unknown>; v?: string };
    const timeout = typeof opts.timeout === "string" ? resolveTime(opts.timeout, now) : null;
    const fns = await loadFunctions(tx);
    if (!fns.has(functionId)) {
      await completeStep(
        tx,
        run.id,
        step,
        { error: { name: "Error", message: `invoked function "${functionId}" is not synced` } },
        now,
      );
      return "continue";
    }
    const eventId = newId(now);
    const event = {
      name: "inngest/function.invoked",
      data: payload.data ?? {},
      id: eventId,
      ts: now,
      ...(payload.v ? { v: payload.v } : {}),
    };
    const [childRunId] = await createRuns(
      tx,
      [{ functionId, eventId, event, parentRunId: run.id, parentStepId: op.id }],
      now,
    );
    await pendStep(
      tx,
      run.id,
      { ...step, attempt: 0, availableAt: timeout, opts, childRunId },
      now,
    );
    return "continue";
  }

  private async failRun(tx: Tx, run: RunRow, message: string, now: number): Promise<Outcome> {
    const error: JsonError = { name: "NonRetriableError", message };
    await finishRun(tx, run, { status: "failed", error }, now);
    return "stop";
  }

  /**
   * Hands the run back: queued for its next due time, or waiting when only an invoked child can
   * wake it. Decided under the row lock: a child that finished since we looked means "now".
   */
  private async release(run: RunRow, knownDone: number, now: number): Promise<void> {
    await this.write(run, async (tx, locked) => {
      const steps = await getSteps(tx, run.id);
      const pending = steps.filter((s) => s.status === "pending");
      const times = pending.map((s) => s.availableAt).filter((t): t is number => t !== null);
      if (pending.length === 0 || doneCount(steps) !== knownDone) {
        await releaseRun(tx, run.id, {
          status: "queued",
          availableAt: Math.max(locked.availableAt, now),
        });
      } else if (times.length === 0) {
        await releaseRun(tx, run.id, { status: "waiting", availableAt: locked.availableAt });
      } else {
        await releaseRun(tx, run.id, { status: "queued", availableAt: Math.min(...times) });
      }
      return "stop";
    });
  }

  /** Runs `fn` in a transaction holding the run's row lock, if the lease is still ours. */
  private async write(
    run: RunRow,
    fn: (tx: Tx, locked: RunRow, now: number) => Promise<Outcome | void>,
  ): Promise<Outcome> {
    return transaction(this.options.db, async (tx) => {
      const locked = await getRun(tx, run.id, true);
      if (!locked || locked.status !== "running" || locked.leaseOwner !== this.options.owner)
        return "stop";
      return (await fn(tx, locked, Date.now())) ?? "stop";
    });
  }
}

function doneCount(steps: StepRow[]): number {
  return steps.filter((s) => s.status === "done").length;
}
