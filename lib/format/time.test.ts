import { describe, expect, it } from "vitest";
import { daysLeft, formatDate, formatDateTime, formatDuration, formatMs } from "./time";

describe("time formatting", () => {
  it("durations: coarse", () => {
    expect(formatDuration(4.2)).toBe("5 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(720)).toBe("12 min");
    expect(formatDuration(7800)).toBe("2 h 10 min");
    expect(formatDuration(Infinity)).toBe("—");
  });

  it("measured times: precise", () => {
    expect(formatMs(null)).toBe("—");
    expect(formatMs(250)).toBe("250 ms");
    expect(formatMs(1500)).toBe("1.5 s");
    expect(formatMs(185_000)).toBe("3 min 5 s");
    expect(formatMs(7_800_000)).toBe("2 h 10 min");
  });

  it("dates in a given zone, a dash for garbage", () => {
    expect(formatDate("2026-11-26T23:30:00Z", "UTC")).toBe("Nov 26, 2026");
    expect(formatDateTime("2026-11-26T14:05:00Z", "UTC")).toBe("Nov 26, 2026, 2:05 PM");
    expect(formatDate("not a date")).toBe("—");
  });

  it("days left of a retention period, never negative", () => {
    const now = Date.parse("2026-11-26T00:00:00Z");
    expect(daysLeft("2026-11-20T00:00:00Z", 30, now)).toBe(24);
    expect(daysLeft("2026-01-01T00:00:00Z", 30, now)).toBe(0);
  });
});
