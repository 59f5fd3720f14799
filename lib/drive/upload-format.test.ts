import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, formatSpeed } from "./upload-format";

describe("upload formatting", () => {
  it("sizes: three significant digits, binary units", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(100 * 1024)).toBe("100 KB");
    expect(formatBytes(48 * 1024 ** 2)).toBe("48 MB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5 GB");
    expect(formatBytes(-1)).toBe("—");
    expect(formatSpeed(3 * 1024 ** 2)).toBe("3 MB/s");
  });

  it("durations: coarse", () => {
    expect(formatDuration(4.2)).toBe("5 s");
    expect(formatDuration(185)).toBe("3 min 5 s");
    expect(formatDuration(720)).toBe("12 min");
    expect(formatDuration(7800)).toBe("2 h 10 min");
    expect(formatDuration(Infinity)).toBe("—");
  });
});
