import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { decryptSecret, encryptSecret } from "./secrets";

vi.stubEnv("PULSE_SECRET_KEY", randomBytes(32).toString("base64"));
afterAll(() => vi.unstubAllEnvs());

describe("Pulse secrets", () => {
  it("round-trips, with a fresh IV each time", () => {
    const a = encryptSecret("token-Ünicode-🙂");
    const b = encryptSecret("token-Ünicode-🙂");
    expect(a).not.toBe(b);
    expect(a).not.toContain("token");
    expect(decryptSecret(a)).toBe("token-Ünicode-🙂");
  });

  it("refuses a tampered ciphertext and another key", () => {
    const enc = encryptSecret("secret");
    const [v, iv, tag, body] = enc.split(".") as [string, string, string, string];
    const flipped = Buffer.from(body, "base64url");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptSecret([v, iv, tag, flipped.toString("base64url")].join("."))).toThrow();
    vi.stubEnv("PULSE_SECRET_KEY", randomBytes(32).toString("base64"));
    expect(() => decryptSecret(enc)).toThrow();
  });

  it("refuses a missing or short key", () => {
    vi.stubEnv("PULSE_SECRET_KEY", "");
    expect(() => encryptSecret("x")).toThrow(/not set/);
    vi.stubEnv("PULSE_SECRET_KEY", randomBytes(16).toString("base64"));
    expect(() => encryptSecret("x")).toThrow(/32 bytes/);
  });
});
