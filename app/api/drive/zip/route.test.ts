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

// 8 MiB: an unread download's process waits on the stream, so it holds its place until cancelled
// (a few bytes would be sent whole into the stream's buffer and the place freed at once).
async function userWithFile() {
  const id = await makeUser();
  users.push(id);
  const file = await putImage(id, "a.bin", Buffer.alloc(8 << 20, 7), "application/octet-stream");
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

  it("starts a zip asked for at the limit as soon as one of the user's downloads ends", async () => {
    vi.stubEnv("STRATUS_LIMIT_SLOT_WAIT_MS", "60000");
    try {
      const alice = await userWithFile();
      session.user = { id: alice.id };
      const zip = () => GET(new Request(`http://app.test/api/drive/zip?files=${alice.fileId}`));
      const first = await zip();
      const second = await zip();
      let third: Response | undefined;
      const asked = zip().then((res) => (third = res));
      // Waiting, not refused: it holds no place and has no answer while both run.
      await new Promise((r) => setTimeout(r, 200));
      expect(third).toBeUndefined();
      await first.body!.cancel();
      await asked;
      expect(third!.status).toBe(200);
      expect((await third!.arrayBuffer()).byteLength).toBeGreaterThan(0);
      await second.body!.cancel();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("holds a client that asks again the moment it is refused to about one request a second", async () => {
    // The attack: at the limit, ask again at once, as fast as the server answers. Each refusal is
    // routing, a session lookup and a plan of the selection on the server's one thread; answered
    // at once they came dozens a second (docs/isolation-bench.md).
    const alice = await userWithFile();
    session.user = { id: alice.id };
    const zip = () => GET(new Request(`http://app.test/api/drive/zip?files=${alice.fileId}`));
    const held = [await zip(), await zip()];
    let requests = 0;
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      requests++;
      expect((await zip()).status).toBe(429);
    }
    // A slower machine makes fewer; refused at once, even a loaded one makes dozens.
    expect(requests).toBeLessThanOrEqual(3);
    for (const res of held) await res.body!.cancel();
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
