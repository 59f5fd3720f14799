import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { claimSignedRequest } from "./replay-guard";
import { signatureHeader } from "./signing";

// The replay guard's claims go to the database together when they arrive together (group
// commit): each signature must still be accepted exactly once, whatever batch it lands in.
const key = `signkey-test-${randomBytes(32).toString("hex")}`;
const url = (step = "step") => new URL(`http://worker/api/inngest?fnId=app-fn&stepId=${step}`);
const signed = (body: string) => ({ body, header: signatureHeader(body, key) });
const claimOf = (call: { body: string; header: string }, step?: string) =>
  claimSignedRequest(call.header, call.body, [key], url(step));

afterAll(() => vi.restoreAllMocks());

describe("claimSignedRequest", () => {
  it("accepts each of many concurrent signatures once, in fewer statements than claims", async () => {
    const calls = Array.from({ length: 20 }, () => signed(randomBytes(16).toString("hex")));
    const statements = vi.spyOn(db, "$queryRaw");
    const verdicts = await Promise.all(calls.map((call) => claimOf(call)));
    // The first claim goes alone; the 19 that arrive while it is written go together.
    expect(statements).toHaveBeenCalledTimes(2);
    statements.mockRestore();
    expect(verdicts).toEqual(calls.map(() => "fresh"));
    expect(await Promise.all(calls.map((call) => claimOf(call)))).toEqual(
      calls.map(() => "replayed"),
    );
  });

  it("accepts one signature sent several times at once exactly once", async () => {
    const call = signed(randomBytes(16).toString("hex"));
    // A first claim in flight, so that the copies land in one batch together.
    const before = claimOf(signed(randomBytes(16).toString("hex")));
    const copies = await Promise.all(Array.from({ length: 5 }, () => claimOf(call)));
    expect(await before).toBe("fresh");
    expect(copies.filter((v) => v === "fresh")).toHaveLength(1);
    expect(copies.filter((v) => v === "replayed")).toHaveLength(4);
    expect(await claimOf(call)).toBe("replayed");
  });

  it("tells parallel steps of one body apart by their step, and refuses bad signatures", async () => {
    const call = signed(randomBytes(16).toString("hex"));
    expect(await Promise.all(["a", "b", "a"].map((step) => claimOf(call, step)))).toEqual([
      "fresh",
      "fresh",
      "replayed",
    ]);
    const other = `signkey-test-${randomBytes(32).toString("hex")}`;
    const forged = { body: call.body, header: signatureHeader(call.body, other) };
    expect(await claimOf(forged)).toBe("unverified");
    expect(await claimSignedRequest(null, call.body, [key], url())).toBe("unverified");
  });

  it("fails every claim of a batch whose statement fails, and writes the next batch", async () => {
    const statements = vi.spyOn(db, "$queryRaw").mockRejectedValueOnce(new Error("db down"));
    const calls = [signed("x1"), signed("x2")].map((call) => claimOf(call));
    await expect(calls[0]).rejects.toThrow("db down");
    // The second arrived while the first was in flight: its batch is written after.
    expect(await calls[1]).toBe("fresh");
    statements.mockRestore();
  });
});
