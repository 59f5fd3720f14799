import { describe, expect, it } from "vitest";
import { resumedSession, sentBytes } from "./session";

const base = {
  uploadId: "u1",
  name: "big.iso",
  contentType: "application/octet-stream",
  folderId: null,
  expiresAt: "2026-12-03T00:00:00.000Z",
};

describe("resuming an upload", () => {
  it("counts whole parts as sent and sends a part cut off mid-way again", () => {
    const session = resumedSession("u1", {
      ...base,
      mode: "multipart",
      size: 25,
      partSize: 10,
      partCount: 3,
      uploadedParts: [
        { partNumber: 1, etag: '"a"', size: 10 },
        { partNumber: 2, etag: '"b"', size: 4 },
        { partNumber: 3, etag: '"c"', size: 5 },
      ],
    });
    if (session.mode !== "multipart") throw new Error("expected a multipart session");
    expect([...session.done.keys()]).toEqual([1, 3]);
    expect(sentBytes(session)).toBe(15);
  });

  it("starts a single PUT over with the fresh URL", () => {
    const session = resumedSession("u1", {
      ...base,
      mode: "single",
      size: 3,
      uploaded: false,
      url: "http://store.test/put",
      headers: { "content-type": "text/plain" },
      urlExpiresAt: "2026-12-02T00:15:00.000Z",
    });
    expect(session).toMatchObject({ mode: "single", url: "http://store.test/put" });
    expect(sentBytes(session)).toBe(0);
  });
});
