import { afterAll, describe, expect, it, vi } from "vitest";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { putImage } from "@/lib/images/testing/fixtures";
import { session } from "@/lib/auth/testing/session-stub";
import { GET } from "./route";

// The zip route over the real database and store; only the session is stubbed.
vi.mock("@/lib/auth/session", () => import("@/lib/auth/testing/session-stub"));

const users: string[] = [];
afterAll(() => removeUsers(...users));

async function userWithFile() {
  const id = await makeUser();
  users.push(id);
  const file = await putImage(id, "a.txt", Buffer.from("hello\n"), "text/plain");
  return { id, fileId: file.id };
}

describe("GET /api/drive/zip", () => {
  it("bounds one user's zip downloads at once, naming the limit, and not another user's", async () => {
    const alice = await userWithFile();
    const bob = await userWithFile();
    const zip = (u: { id: string; fileId: string }) => {
      session.user = { id: u.id };
      return GET(new Request(`http://app.test/api/drive/zip?files=${u.fileId}`));
    };
    const first = await zip(alice);
    const second = await zip(alice);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await zip(alice);
    expect(third.status).toBe(429);
    expect(await third.json()).toEqual({
      message:
        "You already have 2 zip downloads running (the limit is 2 per user). Wait for a download to finish.",
    });
    const other = await zip(bob);
    expect(other.status).toBe(200);
    // A finished download frees its place.
    expect((await first.arrayBuffer()).byteLength).toBeGreaterThan(0);
    await vi.waitFor(async () => {
      const again = await zip(alice);
      expect(again.status).toBe(200);
      await again.body!.cancel();
    });
    await second.body!.cancel();
    await other.body!.cancel();
  });
});
