import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";
import { signatureHeader, verifySignature } from "./signing";

const key = "signkey-test-00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describe("signing", () => {
  it("signs HMAC-SHA256 over body + timestamp with the unprefixed key", () => {
    const header = signatureHeader('{"a":1}', key, 1_700_000_000_000);
    expect(header).toMatch(/^t=1700000000&s=[0-9a-f]{64}$/);
    expect(verifySignature(header, '{"a":1}', key, 1_700_000_000_000)).toBe(true);
    expect(verifySignature(header, '{"a":2}', key, 1_700_000_000_000)).toBe(false);
    expect(
      verifySignature(
        header,
        '{"a":1}',
        key.replace("signkey-test-", "signkey-prod-"),
        1_700_000_000_000,
      ),
    ).toBe(true);
  });

  it("rejects signatures older than five minutes", () => {
    const header = signatureHeader("{}", key, 1_700_000_000_000);
    expect(verifySignature(header, "{}", key, 1_700_000_000_000 + 6 * 60_000)).toBe(false);
  });

  it("writes canonical JSON: sorted keys, no whitespace, undefined dropped", () => {
    expect(canonicalJson({ b: [1, undefined, "x"], a: { d: null, c: undefined } })).toBe(
      '{"a":{"d":null},"b":[1,null,"x"]}',
    );
  });
});
