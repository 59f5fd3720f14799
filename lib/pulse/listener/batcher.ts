import type { IncomingPost } from "../types";
import { backoffDelay, sleep } from "../sources/backoff";

// One stream's outbox. A source hands over matched posts (per tracker) and its cursor; the
// batcher sends them as events — at `maxPosts` for one tracker or `maxWaitMs` after the first
// pending post — and only when the send succeeded stores the cursor it had reached. So a crash
// at any point resumes from a cursor whose posts were all sent: nothing is lost, and what is
// re-sent the consumer stores once (it is idempotent on the source's post id).

export type PostBatch = { trackerId: string; posts: IncomingPost[] };

export type BatcherOptions = {
  key: string; // the PulseCursor key
  send: (batches: PostBatch[]) => Promise<void>;
  saveCursor: (key: string, cursor: string) => Promise<void>;
  maxPosts?: number;
  maxWaitMs?: number;
  // Cursors move on without posts too (Jetstream's other traffic); store them this often.
  cursorEveryMs?: number;
  // The replay source waits while this many posts are pending.
  highWater?: number;
  // Sends in flight at once.
  maxInFlight?: number;
  log?: (line: string) => void;
};

type Slot = { done: boolean; cursor: string | undefined; promise: Promise<void> };

export class Batcher {
  private pending = new Map<string, IncomingPost[]>();
  private pendingCount = 0;
  private cursor: string | undefined;
  // The newest cursor handed to a send, and the newest one stored.
  private queuedCursor: string | undefined;
  private savedCursor: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  // Sends in flight, oldest first. Several at once keep a slow event API from holding the stream
  // back; cursors are stored strictly in order, once every earlier send went through.
  private inflight: Slot[] = [];
  private saving: Promise<void> = Promise.resolve();
  private again = false;
  private stopped = new AbortController();
  private waiters: (() => void)[] = [];
  private readonly maxPosts: number;
  private readonly maxWaitMs: number;
  private readonly cursorEveryMs: number;
  private readonly highWater: number;
  private readonly maxInFlight: number;
  sentPosts = 0;
  sentEvents = 0;

  constructor(private readonly options: BatcherOptions) {
    this.maxPosts = options.maxPosts ?? 200;
    this.maxWaitMs = options.maxWaitMs ?? 1_000;
    this.cursorEveryMs = options.cursorEveryMs ?? 2_000;
    this.highWater = options.highWater ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 4;
  }

  get key(): string {
    return this.options.key;
  }

  get pendingPosts(): number {
    return this.pendingCount;
  }

  add(trackerId: string, post: IncomingPost): void {
    let list = this.pending.get(trackerId);
    if (!list) this.pending.set(trackerId, (list = []));
    list.push(post);
    this.pendingCount += 1;
    if (list.length >= this.maxPosts) void this.flush();
    else this.schedule(this.maxWaitMs);
  }

  // The source got this far; stored once everything before it was sent.
  advance(cursor: string): void {
    this.cursor = cursor;
    this.schedule(this.pendingCount ? this.maxWaitMs : this.cursorEveryMs);
  }

  // Resolves once fewer than highWater posts wait (at once when that is already so).
  ready(): Promise<void> {
    if (this.pendingCount < this.highWater || this.stopped.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(ms: number) {
    if (this.timer || this.stopped.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private get unsent(): boolean {
    return (
      this.pendingCount > 0 || (this.cursor !== undefined && this.cursor !== this.queuedCursor)
    );
  }

  // Starts a send of everything pending (or, when enough sends are in flight, resolves when the
  // oldest finishes — the pending posts go with the next one).
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inflight.length >= this.maxInFlight) {
      this.again = true;
      return this.inflight[0]!.promise;
    }
    if (!this.unsent) return Promise.resolve();
    const batches: PostBatch[] = [];
    for (const [trackerId, posts] of this.pending)
      for (let i = 0; i < posts.length; i += this.maxPosts)
        batches.push({ trackerId, posts: posts.slice(i, i + this.maxPosts) });
    const cursor = this.cursor;
    this.queuedCursor = cursor;
    this.pending = new Map();
    this.pendingCount = 0;
    for (const w of this.waiters.splice(0)) w();

    const slot: Slot = { done: false, cursor, promise: Promise.resolve() };
    // In the queue before the work starts: a send with no posts completes synchronously.
    this.inflight.push(slot);
    slot.promise = (async () => {
      if (batches.length) {
        await this.retry("send", () => this.options.send(batches));
        this.sentEvents += batches.length;
        this.sentPosts += batches.reduce((n, b) => n + b.posts.length, 0);
      }
      slot.done = true;
      await this.commitCursors();
    })().finally(() => {
      if (this.stopped.signal.aborted) return;
      if (this.again || this.pendingCount >= this.maxPosts) {
        this.again = false;
        void this.flush();
      } else if (this.pendingCount) this.schedule(this.maxWaitMs);
      else if (this.unsent) this.schedule(this.cursorEveryMs);
    });
    return slot.promise;
  }

  // Stores the cursor of the newest send whose predecessors all went through.
  private commitCursors(): Promise<void> {
    let cursor: string | undefined;
    while (this.inflight[0]?.done) {
      const slot = this.inflight.shift()!;
      if (slot.cursor !== undefined) cursor = slot.cursor;
    }
    if (cursor === undefined || cursor === this.savedCursor) return this.saving;
    const value = cursor;
    this.saving = this.saving.then(async () => {
      await this.retry("save the cursor", () => this.options.saveCursor(this.options.key, value));
      this.savedCursor = value;
    });
    return this.saving;
  }

  // Keeps trying: giving up would lose the posts. While closing it gives up after a few tries
  // (the cursor then stays where the last successful send left it).
  private async retry(what: string, fn: () => Promise<void>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const ms = backoffDelay(attempt, { baseMs: 250, maxMs: 15_000 });
        this.options.log?.(
          `${this.options.key}: could not ${what} (${error instanceof Error ? error.message : error}); retrying in ${ms} ms`,
        );
        if (this.closing && attempt >= 3) throw error;
        await sleep(ms);
      }
    }
  }

  private closing = false;

  // Sends what is pending and stores the cursor; called when the source has stopped.
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      while (this.unsent || this.inflight.length) {
        if (this.unsent && this.inflight.length < this.maxInFlight) void this.flush();
        await Promise.all(this.inflight.map((s) => s.promise));
      }
      await this.saving;
    } finally {
      this.stopped.abort();
      clearTimeout(this.timer);
      for (const w of this.waiters.splice(0)) w();
    }
  }
}
