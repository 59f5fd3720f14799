import { describe, expect, it } from "vitest";
import { clientIp } from "./client-ip";

describe("clientIp", () => {
  it("takes the rightmost X-Forwarded-For entry when no proxy is trusted", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "1.1.1.1, 2.2.2.2" }), 0)).toBe("2.2.2.2");
  });
  it("skips the entries that trusted proxies appended", () => {
    expect(clientIp({ "x-forwarded-for": "9.9.9.9, 1.1.1.1, 10.0.0.2" }, 1)).toBe("1.1.1.1");
  });
  it("never walks past the first entry", () => {
    expect(clientIp({ "x-forwarded-for": "1.1.1.1" }, 3)).toBe("1.1.1.1");
  });
  it("falls back to X-Real-IP, then to unknown", () => {
    expect(clientIp({ "x-real-ip": "3.3.3.3" }, 0)).toBe("3.3.3.3");
    expect(clientIp({}, 0)).toBe("unknown");
  });
});
