import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatSpeed } from "./numbers";

describe("formatBytes", () => {
  it("names small sizes in bytes", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
  });

  it("keeps three significant digits in binary units", () => {
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(100 * 1024)).toBe("100 KB");
    expect(formatBytes(10_349_568)).toBe("9.87 MB");
    expect(formatBytes(98.7 * 1024 ** 2)).toBe("98.7 MB");
    expect(formatBytes(48 * 1024 ** 2)).toBe("48 MB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5 GB");
    expect(formatBytes(3 * 1024 ** 4)).toBe("3 TB");
  });

  it("rounds up into the next unit instead of showing 1024 of the smaller one", () => {
    expect(formatBytes(1024 ** 2 - 1)).toBe("1 MB");
    expect(formatBytes(1024 ** 3 - 1)).toBe("1 GB");
  });

  it("shows a dash for sizes that are not sizes", () => {
    expect(formatBytes(-1)).toBe("—");
    expect(formatBytes(Number.NaN)).toBe("—");
    expect(formatBytes(Infinity)).toBe("—");
  });

  it("formats speeds and counts", () => {
    expect(formatSpeed(3 * 1024 ** 2)).toBe("3 MB/s");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
