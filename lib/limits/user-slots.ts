// Fair share inside one server process: how many of one kind of long or heavy request a single
// user may have in flight at once (live streams, previews, zip downloads…). A user over the limit
// gets a message that names it; other users are not affected. The counts are per process — each
// app server bounds what it holds itself, which is what protects it. Limits that must hold across
// servers (MapReduce jobs) are counted in the database by their feature instead.
//
// Entry point: `const slot = userSlots("pulse-streams").acquire(userId)`; `slot.ok` → run, then
// `slot.release()` exactly once (idempotent); else answer 429 with `slot.message`.

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

export class UserSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly kind: SlotKind) {}

  get limit(): number {
    const raw = Number(process.env[`STRATUS_LIMIT_${this.kind.env}`]);
    return Number.isInteger(raw) && raw > 0 ? raw : this.kind.perUser;
  }

  inUse(userId: string): number {
    return this.held.get(userId) ?? 0;
  }

  acquire(userId: string): Slot {
    const n = this.inUse(userId);
    if (n >= this.limit) {
      return {
        ok: false,
        message: `You already have ${n} ${this.kind.noun} (the limit is ${this.limit} per user). ${this.kind.hint}`,
      };
    }
    this.held.set(userId, n + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
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
