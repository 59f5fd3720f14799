import { createAccount } from "./support/db";
import {
  driveRowsOf,
  objectSize,
  seedDriveFile,
  seedDriveFolder,
  seedPendingUpload,
  seedShareLink,
} from "./support/drive-seed";
import { expect, test } from "./support/fixtures";

// User B, signed in, sends user A's ids to every Drive route handler over real HTTP. Every one
// must answer 404 (or 401 signed out) and leave A's rows and objects exactly as they were. The
// server actions are covered the same way, in-process, by lib/drive/cross-user.test.ts.

test.slow();

test("user B cannot read or change anything of user A's through the Drive API", async ({
  page,
  signedIn,
  playwright,
  baseURL,
}) => {
  const a = await createAccount({ name: "Alice Owner" });
  const folder = await seedDriveFolder(a.id, "Alice private");
  const file = await seedDriveFile(a.id, {
    name: "alice.txt",
    body: "Alice's secret",
    contentType: "text/plain",
    folderId: folder.id,
  });
  const upload = await seedPendingUpload(a.id, folder.id);
  const link = await seedShareLink(a.id, file.id);
  const own = await seedDriveFile(signedIn.id, {
    name: "b.txt",
    body: "b",
    contentType: "text/plain",
  });
  const before = await driveRowsOf(a.id);

  await page.goto("/drive");
  const api = page.request;
  const attempts: [string, () => ReturnType<typeof api.get>][] = [
    ["download", () => api.get(`/api/drive/files/${file.id}/download`, { maxRedirects: 0 })],
    ["inline", () => api.get(`/api/drive/files/${file.id}/download?inline=1`, { maxRedirects: 0 })],
    ["text", () => api.get(`/api/drive/files/${file.id}/text`)],
    ["zip file", () => api.get(`/api/drive/zip?files=${file.id}`)],
    ["zip folder", () => api.get(`/api/drive/zip?folders=${folder.id}`)],
    ["zip mixed", () => api.get(`/api/drive/zip?files=${own.id},${file.id}`)],
    ["upload status", () => api.get(`/api/drive/uploads/${upload.id}`)],
    ["upload abort", () => api.delete(`/api/drive/uploads/${upload.id}`)],
    [
      "upload parts",
      () => api.post(`/api/drive/uploads/${upload.id}/parts`, { data: { partNumbers: [1] } }),
    ],
    ["upload complete", () => api.post(`/api/drive/uploads/${upload.id}/complete`, { data: {} })],
    [
      "upload into A's folder",
      () =>
        api.post("/api/drive/uploads", { data: { name: "x.bin", size: 1, folderId: folder.id } }),
    ],
    ["share id as token", () => api.post(`/api/share/${link.id}/download`)],
  ];
  for (const [what, attempt] of attempts) {
    const res = await attempt();
    expect(res.status(), what).toBe(404);
    const body = await res.text();
    expect(body, what).not.toContain("Alice");
    expect(body, what).not.toContain(a.email);
  }

  // B's own file still works, so the 404s above are about ownership, not a broken route.
  const mine = await api.get(`/api/drive/files/${own.id}/text`);
  expect(await mine.json()).toEqual({ text: "b", truncated: false, size: 1 });

  // Signed out, every owner route answers 401.
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const path of [
    `/api/drive/files/${file.id}/download`,
    `/api/drive/files/${file.id}/text`,
    `/api/drive/zip?files=${file.id}`,
    `/api/drive/uploads/${upload.id}`,
  ]) {
    expect((await anonymous.get(path, { maxRedirects: 0 })).status(), path).toBe(401);
  }
  await anonymous.dispose();

  expect(await driveRowsOf(a.id)).toEqual(before);
  expect(await objectSize(file.storageKey)).toBe("Alice's secret".length);
});
