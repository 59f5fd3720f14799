// Upload speed over a sliding window: bytes sent in the last few seconds, so a stall shows as a
// falling speed rather than being averaged away since the start.

const WINDOW_MS = 5000;
// Below this the estimate is noise (one progress event can carry a whole small part).
const MIN_SPAN_MS = 700;

export class SpeedMeter {
  private events: { t: number; bytes: number }[] = [];
  private startedAt: number | null = null;

  constructor(private readonly now: () => number) {}

  add(bytes: number): void {
    const t = this.now();
    this.startedAt ??= t;
    this.events.push({ t, bytes });
    this.trim(t);
  }

  bytesPerSecond(): number | null {
    if (this.startedAt === null) return null;
    const now = this.now();
    this.trim(now);
    const span = Math.min(WINDOW_MS, now - this.startedAt);
    if (span < MIN_SPAN_MS) return null;
    let sum = 0;
    for (const e of this.events) sum += e.bytes;
    return (sum / span) * 1000;
  }

  reset(): void {
    this.events = [];
    this.startedAt = null;
  }

  private trim(now: number): void {
    while (this.events.length > 0 && (this.events[0]?.t ?? now) <= now - WINDOW_MS) {
      this.events.shift();
    }
  }
}
