import { describe, expect, it } from "vitest";
import { CronError, nextCronTime, parseCron } from "./cron";

const next = (expr: string, from: string) =>
  new Date(nextCronTime(parseCron(expr), Date.parse(from))!).toISOString();

describe("cron", () => {
  it("finds the next matching minute in UTC", () => {
    expect(next("*/5 * * * *", "2026-11-26T10:03:20Z")).toBe("2026-11-26T10:05:00.000Z");
    expect(next("0 3 * * *", "2026-11-26T03:00:00Z")).toBe("2026-11-27T03:00:00.000Z");
    expect(next("30 9 * * mon-fri", "2026-11-28T12:00:00Z")).toBe("2026-11-30T09:30:00.000Z");
    expect(next("0 0 1 jan *", "2026-11-26T00:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    expect(next("@hourly", "2026-11-26T10:59:59Z")).toBe("2026-11-26T11:00:00.000Z");
    expect(next("TZ=UTC 15 10 * * *", "2026-11-26T10:14:00Z")).toBe("2026-11-26T10:15:00.000Z");
  });

  it("matches either day field when both are restricted, like classic cron", () => {
    // The 1st of the month or any Sunday; 2026-11-29 is a Sunday.
    expect(next("0 0 1 * 0", "2026-11-26T00:00:00Z")).toBe("2026-11-29T00:00:00.000Z");
    expect(next("0 0 * * 7", "2026-11-26T00:00:00Z")).toBe("2026-11-29T00:00:00.000Z");
  });

  it("refuses what it cannot honour", () => {
    expect(() => parseCron("TZ=Europe/Paris 0 3 * * *")).toThrow(CronError);
    expect(() => parseCron("* * * *")).toThrow(/five fields/);
    expect(() => parseCron("61 * * * *")).toThrow(/between 0 and 59/);
    expect(nextCronTime(parseCron("0 0 31 2 *"), Date.now())).toBeNull();
  });
});
