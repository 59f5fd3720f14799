import { transaction, type Db, type Tx } from "./db";
import { resolveTime } from "./duration";
import type { FunctionDef } from "./functions";
import { newId } from "./ids";
import { completeLeasedRun, finishRun, type JsonError } from "./lifecycle";
import { callFunction, retryAfterMs, type CallResult, type Op } from "./protocol";
import {
  claimStep,
  renewStep,
  writeSharedStep,
  type SharedOutcome,
  type SharedStep,
} from "./step-leases";
import {
  completeLeasedStep,
  completeStep,
  createRuns,
  getRun,
  getSteps,
  loadFunctions,
  pendStep,
  releaseRun,
  type RunRow,
  type Snapshot,
  type StepRow,
} from "./store";

// Drives one leased run: calls the serve endpoint, stores what each call produced, and calls again
// until the run finishes or has to wait (sleep, retry backoff, an invoked child). Every write
// first re-reads the run under a row lock and checks the lease is still ours, so a worker that
// lost its lease (it stalled, or the run was cancelled) can never record a step.
//
// Between calls the driver does not read the run again: the write that stored a call's outcome
// read the run under its lock, and the steps are what it read before plus what it wrote. The
// only steps others write are an invoked child's result (lifecycle.ts, finishRun); a snapshot
// that missed one sees that step still pending, and release() decides under the lock, where it
// re-reads the steps. Parallel steps and woken sleeps read afresh. (docs/job-engine.md: what
// each of these saves per run.)

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
  /** Called after a write queued new runs (an invoked child, a failure handler's event). */
  onQueued?: () => void;
  /** How long a shared step's lease lasts (renewed at a third of it while its call runs). */
  leaseMs?: number;
  /**
   * This worker's capacity for shared steps (step-leases.ts): takes up to `wanted` slots, at
   * least `atLeast`, and returns how many it took. Without it a driver runs every step itself.
   */
  stepSlots?: { take: (wanted: number, atLeast: number) => number; give: (n: number) => void };
  /**
   * Calls that are not for one planned step let the SDK run the function's sequential steps
   * inline, each step's result checkpointed to the event API before the next (protocol.ts). Needs
   * the app's Inngest client to allow checkpointing and point at this executor's event API.
   */
  checkpointing?: boolean;
};

type Outcome = "continue" | "stop";
/** What a write leaves: stop, read the run again, or go on from this snapshot. */
type Next = Outcome | Snapshot;

/** A snapshot being updated by a write, in step with the rows it writes. */
class Draft {
  readonly steps: Map<string, StepRow>;
  queued = false;
  constructor(
    readonly run: RunRow,
    steps: StepRow[],
  ) {
    this.steps = new Map(steps.map((s) => [s.id, s]));
  }
  done(step: { id: string; op: string; name: string }, result: string): void {
    let seq = -1;
    for (const s of this.steps.values()) if (s.seq !== null && s.seq > seq) seq = s.seq;
    this.steps.set(step.id, {
      id: step.id,
      op: step.op,
      name: step.name.slice(0, 255),
      status: "done",
      attempt: this.steps.get(step.id)?.attempt ?? 0,
      availableAt: null,
      opts: this.steps.get(step.id)?.opts ?? null,
      result,
      seq: seq + 1,
      childRunId: this.steps.get(step.id)?.childRunId ?? null,
      leaseOwner: this.steps.get(step.id)?.leaseOwner ?? null,
      leaseUntil: null,
    });
  }
  pending(step: Parameters<typeof pendStep>[2]): void {
    this.steps.set(step.id, {
      id: step.id,
      op: step.op,
      name: step.name.slice(0, 255),
      // As the upsert does: a step keeps its status.
      status: this.steps.get(step.id)?.status ?? "pending",
      attempt: step.attempt,
      availableAt: step.availableAt,
      opts: step.opts === undefined ? null : JSON.stringify(step.opts),
      result: this.steps.get(step.id)?.result ?? null,
      seq: this.steps.get(step.id)?.seq ?? null,
      childRunId: step.childRunId ?? null,
      leaseOwner: null,
      leaseUntil: step.shared ? 0 : null,
    });
  }
  snapshot(): Snapshot {
    return { run: this.run, steps: [...this.steps.values()] };
  }
}

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

  /** Shared steps this worker is calling now, by run (the holder's and the help loop's). */
  private readonly sharedInFlight = new Map<string, Set<Promise<void>>>();

  /**
   * Drives until the run stops needing us. `shouldYield` asks it to hand the run back early.
   * `known` is the run as its claim left it (saves reading it again).
   */
  async drive(
    runId: string,
    signal: AbortSignal,
    shouldYield: () => boolean,
    known?: Snapshot,
  ): Promise<void> {
    let snapshot = known;
    for (let calls = 0; !signal.aborted; calls++) {
      const run = snapshot?.run ?? (await getRun(this.options.db, runId));
      if (!run || run.status !== "running" || run.leaseOwner !== this.options.owner) return;
      const steps = snapshot?.steps ?? (await getSteps(this.options.db, runId));
      snapshot = undefined;
      if (shouldYield() || calls >= MAX_CALLS_PER_LEASE) {
        await this.release(run, doneCount(steps), Date.now());
        return;
      }
      const fn = (await loadFunctions(this.options.db)).get(run.functionId);
      if (!fn) {
        await this.write(run, steps, async (tx, locked, now, draft) => {
          const queued = await finishRun(
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
          draft.queued = queued;
        });
        return;
      }
      const next = await this.step(run, steps, fn, signal);
      if (next === "stop") return;
      if (next !== "continue") snapshot = next;
    }
  }

  private async step(
    run: RunRow,
    steps: StepRow[],
    fn: FunctionDef,
    signal: AbortSignal,
  ): Promise<Next> {
    const now = Date.now();
    const pending = steps.filter((s) => s.status === "pending");
    const due = (s: StepRow) => s.availableAt !== null && s.availableAt <= now;

    const planned = pending.filter((s) => s.op === "StepPlanned" && due(s));
    // Steps of a parallel batch are shared: this worker runs those it can claim (up to its step
    // capacity); other workers sharing the database take the rest (step-leases.ts).
    const own = planned.filter((s) => s.leaseUntil === null);
    const shared = planned.filter((s) => s.leaseUntil !== null && s.leaseUntil < now);
    if (own.length === 1 && shared.length === 0) return this.call(run, steps, fn, own[0]!, signal);
    if (own.length + shared.length > 0) {
      // The holder runs at least one step so that the run progresses, unless this worker's help
      // loop already runs one of the run's steps: then it waits for that one (step capacity).
      const helping = this.sharedInFlight.get(run.id);
      const atLeast = own.length === 0 && !helping?.size ? 1 : 0;
      const claimed = await this.claimShared(run.id, shared, atLeast);
      if (own.length === 0 && claimed.length === 0 && helping?.size) {
        await Promise.race(helping);
        return "continue";
      }
      // Each call's write knows only its own step: read the run again after all of them.
      const results = await Promise.all([
        ...own.map((s) => this.call(run, steps, fn, s, signal)),
        ...claimed.map((s) => this.callShared(run, steps, fn, s, signal)),
      ]);
      if (results.length > 0) return results.includes("stop") ? "stop" : "continue";
      // Every shared step was claimed by another worker meanwhile: wait for them (release).
    }
    const woken = pending.filter((s) => (s.op === "Sleep" || s.op === "InvokeFunction") && due(s));
    if (woken.length > 0) {
      await this.write(run, steps, async (tx) => {
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
      return "continue";
    }
    if (pending.length > 0 || run.availableAt > now) {
      await this.release(run, doneCount(steps), now);
      return "stop";
    }
    return this.call(run, steps, fn, null, signal);
  }

  /** Claims shared steps up to this worker's step capacity (at least `atLeast` of them). */
  private async claimShared(runId: string, shared: StepRow[], atLeast: number): Promise<StepRow[]> {
    if (shared.length === 0) return [];
    const slots = this.options.stepSlots;
    const taken = slots ? slots.take(shared.length, atLeast) : shared.length;
    const claimed: StepRow[] = [];
    const leaseMs = this.options.leaseMs ?? 30_000;
    for (const s of shared) {
      if (claimed.length >= taken) break;
      if (await claimStep(this.options.db, runId, s.id, this.options.owner, leaseMs))
        claimed.push(s);
    }
    slots?.give(taken - claimed.length);
    return claimed;
  }

  /**
   * Runs a shared step of another worker's run (or a queued one) that the claim loop found: claims
   * it, reads the run, calls, stores the outcome under the step's lease. Takes one step slot,
   * which it gives back when done. False when another worker claimed it first.
   */
  async helpStep(candidate: SharedStep, signal: AbortSignal): Promise<boolean> {
    const { db, owner } = this.options;
    const leaseMs = this.options.leaseMs ?? 30_000;
    if (!(await claimStep(db, candidate.runId, candidate.stepId, owner, leaseMs))) {
      this.options.stepSlots?.give(1);
      return false;
    }
    const [run, steps] = await Promise.all([
      getRun(db, candidate.runId),
      getSteps(db, candidate.runId),
    ]);
    const target = steps.find((s) => s.id === candidate.stepId);
    const fn = run && (await loadFunctions(db)).get(run.functionId);
    if (!run || !target || !fn) {
      // The run ended or its function is gone: its holder decides; the lease simply expires.
      this.options.stepSlots?.give(1);
      return true;
    }
    await this.runShared(run, steps, fn, target, signal);
    return true;
  }

  /** A shared step this run's holder claimed: "continue" reads the run again. */
  private async callShared(
    run: RunRow,
    steps: StepRow[],
    fn: FunctionDef,
    target: StepRow,
    signal: AbortSignal,
  ): Promise<Next> {
    await this.runShared(run, steps, fn, target, signal);
    return signal.aborted ? "stop" : "continue";
  }

  /** Calls one claimed shared step, renewing its lease meanwhile, and stores what it produced. */
  private async runShared(
    run: RunRow,
    steps: StepRow[],
    fn: FunctionDef,
    target: StepRow,
    signal: AbortSignal,
  ): Promise<void> {
    const { db, owner } = this.options;
    const leaseMs = this.options.leaseMs ?? 30_000;
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal.addEventListener("abort", onAbort);
    let finished = () => {};
    const inFlight = new Promise<void>((resolve) => (finished = resolve));
    const ofRun = this.sharedInFlight.get(run.id) ?? new Set<Promise<void>>();
    ofRun.add(inFlight);
    this.sharedInFlight.set(run.id, ofRun);
    const renew = setInterval(
      () => {
        renewStep(db, run.id, target.id, owner, leaseMs)
          .then((ours) => {
            if (!ours) abort.abort();
          })
          .catch((e: unknown) => this.options.log(`lease renewal of a step failed: ${String(e)}`));
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    try {
      const { memo, stack } = memoOf(steps);
      const result = await callFunction({
        url: this.callUrl(fn.url),
        stepId: target.id,
        signingKey: this.options.signingKey,
        event: JSON.parse(run.event),
        steps: memo,
        stack,
        runId: run.id,
        attempt: target.attempt,
        maxAttempts: fn.maxAttempts,
        disableImmediate: run.disableImmediate,
        signal: abort.signal,
        timeoutMs: this.options.requestTimeoutMs,
      });
      if (abort.signal.aborted) return;
      const now = Date.now();
      const { queued } = await writeSharedStep(
        db,
        run.id,
        target.id,
        owner,
        this.sharedOutcome(run, fn, target, result, now),
        now,
      );
      if (queued) this.options.onQueued?.();
    } finally {
      clearInterval(renew);
      signal.removeEventListener("abort", onAbort);
      ofRun.delete(inFlight);
      if (ofRun.size === 0) this.sharedInFlight.delete(run.id);
      finished();
      this.options.stepSlots?.give(1);
    }
  }

  /** What the run holder's write (apply) would store for a call of one step, as one outcome. */
  private sharedOutcome(
    run: RunRow,
    fn: FunctionDef,
    target: StepRow,
    result: CallResult,
    now: number,
  ): SharedOutcome {
    const retry = (retryAfter: string | null): SharedOutcome => ({
      kind: "retry",
      step: { id: target.id, name: target.name, opts: parseOpts(target.opts) },
      attempt: target.attempt + 1,
      availableAt: now + (retryAfterMs(retryAfter, now) ?? this.options.backoffMs(target.attempt)),
    });
    const failedAttempt = (error: JsonError, retryAfter: string | null): SharedOutcome => {
      this.options.log(
        `run ${run.id} (${fn.id}): step "${target.name}" attempt ${target.attempt + 1} failed: ${error.message}`,
      );
      if (target.attempt + 1 >= fn.maxAttempts)
        return { kind: "done", step: target, result: { error } };
      return retry(retryAfter);
    };
    if (result.kind === "error") {
      if (!result.retriable) return { kind: "fail-run", error: result.error };
      return failedAttempt(result.error, result.retryAfter);
    }
    const op = result.kind === "ops" && result.ops.length === 1 ? result.ops[0] : undefined;
    if (op && op.id === target.id) {
      const step = { id: op.id, op: op.op, name: op.displayName ?? op.name ?? target.name };
      if (op.op === "StepRun" || op.op === "Step")
        return { kind: "done", step, result: { data: op.data ?? null } };
      if (op.op === "StepFailed")
        return { kind: "done", step, result: { error: op.error ?? null } };
      // The SDK says StepFailed on the last attempt, so this one is always retried.
      if (op.op === "StepError") return retry(result.kind === "ops" ? result.retryAfter : null);
    }
    return failedAttempt(
      {
        name: "Error",
        message: `a call to run step "${target.name}" answered ${result.kind === "ops" ? result.ops.map((o) => o.op).join(", ") : result.kind}`,
      },
      null,
    );
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
  ): Promise<Next> {
    const { memo, stack } = memoOf(steps);
    const attempt = target ? target.attempt : run.attempt;
    const checkpoint =
      this.options.checkpointing && target === null && !run.disableImmediate
        ? { fnId: fn.id, queueItemId: this.options.owner }
        : undefined;
    const result = await callFunction({
      checkpoint,
      url: this.callUrl(fn.url),
      stepId: target ? target.id : "step",
      signingKey: this.options.signingKey,
      event: JSON.parse(run.event),
      steps: memo,
      stack,
      runId: run.id,
      attempt,
      maxAttempts: fn.maxAttempts,
      disableImmediate: run.disableImmediate,
      signal,
      timeoutMs: this.options.requestTimeoutMs,
    });
    if (signal.aborted) return "stop";
    const quick = await this.quickWrite(run, steps, result);
    const next =
      quick ??
      (await this.write(run, steps, (tx, locked, now, draft) =>
        this.apply(tx, locked, draft, fn, target, attempt, result, now),
      ));
    // Steps the SDK checkpointed during the call are stored but not in this snapshot: read again.
    return checkpoint && typeof next === "object" ? "continue" : next;
  }

  /**
   * The two commonest outcomes, a step's result and the end of a run without a parent, each as
   * one conditional statement instead of a transaction: it writes only while the lease is ours,
   * as write() does. Null when the outcome needs write().
   */
  private async quickWrite(
    run: RunRow,
    steps: StepRow[],
    result: CallResult,
  ): Promise<Next | null> {
    // A non-zero function attempt is reset by the general path.
    if (run.attempt !== 0) return null;
    const { db, owner } = this.options;
    const op = result.kind === "ops" && result.ops.length === 1 ? result.ops[0] : undefined;
    if (run.parentRunId === null && (result.kind === "done" || op?.op === "RunComplete")) {
      const output = result.kind === "done" ? result.data : op?.data;
      await completeLeasedRun(db, run, owner, output, Date.now());
      return "stop";
    }
    if (op && (op.op === "StepRun" || op.op === "Step" || op.op === "StepFailed")) {
      const step = { id: op.id, op: op.op, name: op.displayName ?? op.name ?? op.id };
      const outcome =
        op.op === "StepFailed" ? { error: op.error ?? null } : { data: op.data ?? null };
      const text = await completeLeasedStep(db, run.id, owner, step, outcome, Date.now());
      if (text === null) return "stop";
      const draft = new Draft({ ...run }, steps);
      draft.done(step, text);
      return draft.snapshot();
    }
    return null;
  }

  private async apply(
    tx: Tx,
    run: RunRow,
    draft: Draft,
    fn: FunctionDef,
    target: StepRow | null,
    attempt: number,
    result: CallResult,
    now: number,
  ): Promise<Outcome> {
    if (result.kind === "done") {
      if (await finishRun(tx, run, { status: "completed", output: result.data }, now))
        draft.queued = true;
      return "stop";
    }
    if (result.kind === "error") {
      if (!result.retriable) {
        if (await finishRun(tx, run, { status: "failed", error: result.error }, now))
          draft.queued = true;
        return "stop";
      }
      this.options.log(
        `run ${run.id} (${fn.id}): attempt ${attempt + 1} failed: ${result.error.message}`,
      );
      const next = attempt + 1;
      const delay = retryAfterMs(result.retryAfter, now) ?? this.options.backoffMs(attempt);
      if (target) {
        if (next >= fn.maxAttempts)
          await this.completeStep(tx, draft, target, { error: result.error }, now);
        else
          await this.pendStep(
            tx,
            draft,
            { ...target, opts: parseOpts(target.opts), attempt: next, availableAt: now + delay },
            now,
          );
        return "continue";
      }
      if (next >= fn.maxAttempts) {
        if (await finishRun(tx, run, { status: "failed", error: result.error }, now))
          draft.queued = true;
        return "stop";
      }
      await releaseRun(tx, run.id, { status: "queued", availableAt: now + delay, attempt: next });
      return "stop";
    }
    // A call that produced ops made progress: the function-level attempt starts over.
    if (run.attempt !== 0) {
      await tx.query("UPDATE ExecRun SET attempt = 0 WHERE id = ?", [run.id]);
      draft.run.attempt = 0;
    }
    if (result.ops.length > 1 && !run.disableImmediate) {
      await tx.query("UPDATE ExecRun SET disableImmediate = TRUE WHERE id = ?", [run.id]);
      draft.run.disableImmediate = true;
    }
    // One call that planned several steps started a parallel batch: its steps are shared.
    const shared = result.ops.filter((op) => op.op === "StepPlanned").length > 1;
    for (const op of result.ops) {
      const outcome = await this.applyOp(
        tx,
        run,
        draft,
        op,
        target,
        attempt,
        result.retryAfter,
        now,
        shared,
      );
      if (outcome === "stop") return "stop";
    }
    return "continue";
  }

  private async completeStep(
    tx: Tx,
    draft: Draft,
    step: { id: string; op: string; name: string },
    result: { data: unknown } | { error: unknown },
    now: number,
  ): Promise<void> {
    draft.done(step, await completeStep(tx, draft.run.id, step, result, now));
  }

  private async pendStep(
    tx: Tx,
    draft: Draft,
    step: Parameters<typeof pendStep>[2],
    now: number,
  ): Promise<void> {
    await pendStep(tx, draft.run.id, step, now);
    draft.pending(step);
  }

  private async applyOp(
    tx: Tx,
    run: RunRow,
    draft: Draft,
    op: Op,
    target: StepRow | null,
    attempt: number,
    retryAfter: string | null,
    now: number,
    shared: boolean,
  ): Promise<Outcome> {
    const name = op.displayName ?? op.name ?? op.id;
    const step = { id: op.id, op: op.op, name };
    switch (op.op) {
      case "StepRun":
      case "Step":
        await this.completeStep(tx, draft, step, { data: op.data ?? null }, now);
        return "continue";
      case "StepFailed":
        await this.completeStep(tx, draft, step, { error: op.error ?? null }, now);
        return "continue";
      case "StepError": {
        // The SDK says StepFailed on the last attempt, so this one is always retried.
        const stepAttempt = attempt;
        const delay = retryAfterMs(retryAfter, now) ?? this.options.backoffMs(stepAttempt);
        this.options.log(
          `run ${run.id}: step "${name}" attempt ${stepAttempt + 1} failed; retrying in ${delay} ms`,
        );
        await this.pendStep(
          tx,
          draft,
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
        await this.pendStep(
          tx,
          draft,
          { ...step, attempt: 0, availableAt: now, opts: op.opts, shared },
          now,
        );
        return "continue";
      case "Sleep": {
        const wake = resolveTime(op.name ?? "", now);
        if (wake === null)
          return this.failRun(
            tx,
            run,
            draft,
            `step "${name}": cannot read sleep time "${op.name}"`,
            now,
          );
        await this.pendStep(tx, draft, { ...step, attempt: 0, availableAt: wake }, now);
        return "continue";
      }
      case "InvokeFunction":
        return this.invoke(tx, run, draft, op, step, now);
      case "RunComplete":
        if (await finishRun(tx, run, { status: "completed", output: op.data ?? null }, now))
          draft.queued = true;
        return "stop";
      default: {
        const feature = UNSUPPORTED_OPS[op.op] ?? `the "${op.op}" operation`;
        return this.failRun(
          tx,
          run,
          draft,
          `step "${name}" uses ${feature}, which the local executor does not support`,
          now,
        );
      }
    }
  }

  private async invoke(
    tx: Tx,
    run: RunRow,
    draft: Draft,
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
      await this.completeStep(
        tx,
        draft,
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
    const [child] = await createRuns(
      tx,
      [{ functionId, eventId, event, parentRunId: run.id, parentStepId: op.id }],
      now,
    );
    draft.queued = true;
    await this.pendStep(
      tx,
      draft,
      { ...step, attempt: 0, availableAt: timeout, opts, childRunId: child?.id ?? null },
      now,
    );
    return "continue";
  }

  private async failRun(
    tx: Tx,
    run: RunRow,
    draft: Draft,
    message: string,
    now: number,
  ): Promise<Outcome> {
    const error: JsonError = { name: "NonRetriableError", message };
    if (await finishRun(tx, run, { status: "failed", error }, now)) draft.queued = true;
    return "stop";
  }

  /**
   * Hands the run back: queued for its next due time, or waiting when only an invoked child can
   * wake it. Decided under the row lock: a child that finished since we looked means "now".
   */
  private async release(run: RunRow, knownDone: number, now: number): Promise<void> {
    await this.write(run, [], async (tx, locked) => {
      const steps = await getSteps(tx, run.id);
      const pending = steps.filter((s) => s.status === "pending");
      // A shared step another worker holds: its writer brings the run forward when it is done;
      // if that worker dies, the run comes back when the step's lease expires.
      const times = pending
        .map((s) => (s.leaseUntil !== null && s.leaseUntil > now ? s.leaseUntil : s.availableAt))
        .filter((t): t is number => t !== null);
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

  /**
   * Runs `fn` in a transaction holding the run's row lock, if the lease is still ours. On
   * "continue" it returns the run as the write left it: the locked row and `steps` with the
   * writes applied.
   */
  private async write(
    run: RunRow,
    steps: StepRow[],
    fn: (tx: Tx, locked: RunRow, now: number, draft: Draft) => Promise<Outcome | void>,
  ): Promise<Next> {
    let queued = false;
    const next = await transaction(this.options.db, async (tx): Promise<Next> => {
      const locked = await getRun(tx, run.id, true);
      if (!locked || locked.status !== "running" || locked.leaseOwner !== this.options.owner)
        return "stop";
      const draft = new Draft({ ...locked }, steps);
      const outcome = (await fn(tx, locked, Date.now(), draft)) ?? "stop";
      queued = draft.queued;
      return outcome === "continue" ? draft.snapshot() : outcome;
    });
    if (queued) this.options.onQueued?.();
    return next;
  }
}

function parseOpts(opts: string | null): Record<string, unknown> | undefined {
  return opts === null ? undefined : (JSON.parse(opts) as Record<string, unknown>);
}

/** The memoised results a call carries: done steps in completion order. */
function memoOf(steps: StepRow[]): { memo: Record<string, unknown>; stack: string[] } {
  const done = steps.filter((s) => s.status === "done").sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const memo: Record<string, unknown> = {};
  for (const s of done) memo[s.id] = JSON.parse(s.result ?? "null");
  return { memo, stack: done.map((s) => s.id) };
}

function doneCount(steps: StepRow[]): number {
  return steps.filter((s) => s.status === "done").length;
}
