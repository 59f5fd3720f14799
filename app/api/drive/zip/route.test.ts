import { afterAll, describe, expect, it, vi } from "vitest";
import { makeUser, removeUsers } from "@/lib/drive/test-helpers";
import { zipProcesses } from "@/lib/drive/zip";
import { zipCgroups } from "@/lib/drive/zip-cgroups";
import { putImage } from "@/lib/images/testing/fixtures";
import { session } from "@/lib/auth/testing/session-stub";
import { GET } from "./route";
import { WAIT } from "@/lib/testing/wait";

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
    }, WAIT);
    await second.body!.cancel();
    await other.body!.cancel();
  });

  it.skipIf(zipCgroups() === null)(
    "builds the zip in the user's CPU-capped cgroup (needs a writable cpu cgroup)",
    async () => {
      const id = await makeUser();
      users.push(id);
      const big = await putImage(id, "big.bin", Buffer.alloc(8 << 20), "application/octet-stream");
      session.user = { id };
      const res = await GET(new Request(`http://app.test/api/drive/zip?files=${big.id}`));
      expect(res.status).toBe(200);
      const cgroups = zipCgroups()!;
      // Unread, the download holds its process; which moves itself into the user's cgroup.
      await vi.waitFor(() => {
        const [pid] = cgroups.processesOf(id);
        expect(pid !== undefined && zipProcesses.has(pid)).toBe(true);
      }, WAIT);
      expect(cgroups.capCores).not.toBeNull();
      await res.body!.cancel();
      await vi.waitFor(() => expect(cgroups.dirOf(id)).toBeNull(), WAIT);
    },
  );
});
