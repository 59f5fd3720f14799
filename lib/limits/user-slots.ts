// Fair share inside one server process: how many of one kind of long or heavy request a single
// user may have in flight at once (live streams, previews, zip downloads…). A user over the limit
// gets a message that names it; other users are not affected. The counts are per process — each
// app server bounds what it holds itself, which is what protects it. Limits that must hold across
// servers (MapReduce jobs) are counted in the database by their feature instead.
//
// Entry point: `const slot = await userSlots("pulse-streams").acquireWithin(userId, signal)`;
// `slot.ok` → run, then `slot.release()` exactly once (idempotent); else answer 429 with
// `slot.message`.
//
// A user at the limit waits a moment for one of their own slots to free (SLOT_WAIT_MS) before
// being refused, and is refused only then. The editor's next preview then simply starts when the
// last one ends, and a client that retries as soon as it is refused — each refusal is routing, a
// session lookup and a body parse on the server's one thread, which every other user's page loads
// queue behind (docs/isolation-bench.md) — makes one request a second per connection instead of
// dozens. A waiting request costs a timer and costs no CPU; how many can wait is bounded by the
// request-rate limit (proxy.ts) times the wait.

export interface SlotKind {
  /** Default limit per user; STRATUS_LIMIT_<ENV> overrides it. */
  perUser: number;
  env: string;
  /** "live streams", "image previews"…: the message names the limit with it. */
  noun: string;
  /** What the user can do about it. */
  hint: string;
}

export const SLOT_KINDS = {
  "pulse-streams": {
    perUser: 8,
    env: "PULSE_STREAMS_PER_USER",
    noun: "live dashboards open",
    hint: "Close a Pulse dashboard in another tab or window.",
  },
  "image-previews": {
    perUser: 4,
    env: "IMAGE_PREVIEWS_PER_USER",
    noun: "image previews rendering",
    hint: "Wait for a preview to finish.",
  },
  "zip-downloads": {
    perUser: 2,
    env: "ZIP_DOWNLOADS_PER_USER",
    noun: "zip downloads running",
    hint: "Wait for a download to finish.",
  },
} satisfies Record<string, SlotKind>;

export type SlotKindName = keyof typeof SLOT_KINDS;

export type Slot = { ok: true; release: () => void } | { ok: false; message: string };

/** How long a request at its user's limit waits for a slot before it is refused. */
export const SLOT_WAIT_MS = 1000;

function slotWaitMs(): number {
  const raw = Number(process.env.STRATUS_LIMIT_SLOT_WAIT_MS);
  return Number.isInteger(raw) && raw >= 0 ? raw : SLOT_WAIT_MS;
}

type Waiter = { grant: () => void };

export class UserSlots {
  private readonly held = new Map<string, number>();
  /** Per user, the requests waiting for one of that user's slots, first come first served. */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(readonly kind: SlotKind) {}

  get limit(): number {
    const raw = Number(process.env[`STRATUS_LIMIT_${this.kind.env}`]);
    return Number.isInteger(raw) && raw > 0 ? raw : this.kind.perUser;
  }

  inUse(userId: string): number {
    return this.held.get(userId) ?? 0;
  }

  /** A slot now, or the refusal that names the limit. */
  acquire(userId: string): Slot {
    const n = this.inUse(userId);
    if (n >= this.limit) return this.refusal(userId);
    this.held.set(userId, n + 1);
    return this.counted(userId);
  }

  /**
   * A slot now, or the first of the user's slots to be released within `waitMs`
   * (STRATUS_LIMIT_SLOT_WAIT_MS, default 1 s); the refusal when none is, or when `signal` aborts.
   */
  acquireWithin(userId: string, signal?: AbortSignal, waitMs = slotWaitMs()): Promise<Slot> {
    const now = this.acquire(userId);
    if (now.ok || waitMs === 0 || signal?.aborted) return Promise.resolve(now);
    return new Promise<Slot>((resolve) => {
      const queue = this.waiting.get(userId) ?? [];
      this.waiting.set(userId, queue);
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", giveUp);
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        if (queue.length === 0 && this.waiting.get(userId) === queue) this.waiting.delete(userId);
      };
      const giveUp = () => {
        leave();
        resolve(this.refusal(userId));
      };
      const waiter: Waiter = {
        // The releasing request's place passes to this one: the count does not change.
        grant: () => {
          leave();
          resolve(this.counted(userId));
        },
      };
      const timer = setTimeout(giveUp, waitMs);
      signal?.addEventListener("abort", giveUp, { once: true });
      queue.push(waiter);
    });
  }

  private refusal(userId: string): Slot {
    return {
      ok: false,
      message: `You already have ${this.inUse(userId)} ${this.kind.noun} (the limit is ${this.limit} per user). ${this.kind.hint}`,
    };
  }

  /** A slot already counted in `held` for the user. */
  private counted(userId: string): Slot {
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const next = this.waiting.get(userId)?.[0];
        if (next) return next.grant();
        const left = this.inUse(userId) - 1;
        if (left > 0) this.held.set(userId, left);
        else this.held.delete(userId);
      },
    };
  }
}

const registry = new Map<SlotKindName, UserSlots>();

/** The process's slots of one kind. */
export function userSlots(kind: SlotKindName): UserSlots {
  let slots = registry.get(kind);
  if (!slots) {
    slots = new UserSlots(SLOT_KINDS[kind]);
    registry.set(kind, slots);
  }
  return slots;
}
