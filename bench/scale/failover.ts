// npm run bench:scale -- --failover (or node --import tsx bench/scale/failover.ts): the scale-out
// test of issue 8. A real browser session (Debian's Chromium) and a load generator go through
// nginx on :3000 while app server 2 is killed (SIGKILL) and later restarted. It checks that
//   - every load request that was not in flight on the killed server succeeds (nginx retries the
//     rest on another server), and no request is answered by the login page;
//   - the browser user stays signed in, uploads two files (one while server 2 is down) and runs a
//     background job (Empty trash) that completes, with every upload stored and readable;
//   - the restarted server takes traffic again.
// Needs `npm run up -- --instances 3` running. Exits non-zero when a check fails.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { ok, runLoad, workload, type Sample } from "./load";
import {
  accessLogSize,
  BASE_URL,
  dbQuery,
  killServer,
  makeAccount,
  removeAccount,
  serverRunning,
  signIn,
  startServer,
  upstreamCounts,
} from "./stack";

const LOAD_SECONDS = Number(process.env.FAILOVER_LOAD_SECONDS ?? 60);
const checks: { check: string; ok: boolean; detail: string }[] = [];
const check = (name: string, pass: boolean, detail = "") => {
  checks.push({ check: name, ok: pass, detail });
  console.log(`${pass ? "✓" : "✗"} ${name}${detail ? ` — ${detail}` : ""}`);
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const i of [1, 2, 3]) {
  if (!serverRunning(i))
    throw new Error(`app server ${i} is not running: npm run up -- --instances 3`);
}

const account = await makeAccount(5);
const dir = mkdtempSync(path.join(tmpdir(), "stratus-failover-"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

async function upload(page: Page, name: string, content: string) {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  await page.getByTestId("upload-input").setInputFiles(file);
  await page.getByRole("table").getByText(name, { exact: true }).waitFor({ timeout: 60_000 });
}

async function signedInDrive(page: Page): Promise<boolean> {
  await page.goto(`${BASE_URL}/drive`);
  return (
    new URL(page.url()).pathname === "/drive" && (await page.getByTestId("file-table").count()) > 0
  );
}

try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);

  // Sign in through the form, through nginx.
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/home$/);
  check("browser signs in through nginx", true);

  // The load generator has its own session.
  const cookie = await signIn(account.email, account.password);
  const loadStarted = performance.now();
  const loadRun = runLoad({
    baseUrl: BASE_URL,
    cookie,
    targets: workload(account.jobId),
    concurrency: 8,
    durationMs: LOAD_SECONDS * 1000,
  });

  check("Drive listing before the failure", await signedInDrive(page));
  await upload(page, "before-failure.txt", "uploaded before the failure\n");

  await pause(3_000);
  killServer(2);
  const killedAt = performance.now() - loadStarted;
  console.log(`  killed app server 2 (SIGKILL) at ${(killedAt / 1000).toFixed(1)} s into the load`);

  let stayed = true;
  for (let n = 0; n < 6; n++) stayed = (await signedInDrive(page)) && stayed;
  check("the user stays signed in across 6 reloads with server 2 down", stayed);

  await upload(page, "during-failure.txt", "uploaded while server 2 was down\n");

  // A background job started while a server is down: move a file to the trash, empty it.
  await page.getByLabel("Select report-001.txt").check();
  await page
    .getByRole("region", { name: "Selected items" })
    .getByRole("button", { name: "Move to trash" })
    .click();
  await page.getByRole("status").filter({ hasText: "Moved" }).waitFor();
  await page.getByRole("link", { name: "Trash" }).click();
  await page.getByRole("button", { name: "Empty trash" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Empty trash" }).click();

  startServer(2);
  const restartedAt = performance.now() - loadStarted;
  const logFrom = accessLogSize();
  console.log(`  app server 2 answers again at ${(restartedAt / 1000).toFixed(1)} s`);

  await page
    .getByRole("status")
    .filter({ hasText: /Deleted 1 file/ })
    .waitFor({ timeout: 90_000 });
  const [job] = await dbQuery<{ status: string }>(
    "SELECT status FROM `Job` WHERE ownerId = ? AND id <> ? ORDER BY createdAt DESC LIMIT 1",
    [account.id, account.jobId],
  );
  check(
    "the Empty trash job started during the failure completes",
    job?.status === "succeeded",
    `status ${job?.status}`,
  );

  const { samples } = await loadRun;
  const inFlight = (s: Sample) => s.at <= killedAt && s.at + s.ms >= killedAt;
  const failed = samples.filter((s) => !ok(s));
  const unexplained = failed.filter((s) => !inFlight(s));
  check(
    "load: every request not in flight on the killed server succeeds",
    unexplained.length === 0,
    `${samples.length} requests, ${failed.length} failed (${failed.length - unexplained.length} in flight at the kill)` +
      (unexplained.length ? `: ${JSON.stringify(unexplained.slice(0, 5))}` : ""),
  );
  check(
    "load: no request was sent to the login page",
    !samples.some((s) => s.status === 307 || s.status === 302),
  );

  const uploaded = await dbQuery<{ id: string; name: string }>(
    "SELECT id, name FROM `File` WHERE ownerId = ? AND name IN ('before-failure.txt', 'during-failure.txt') ORDER BY name",
    [account.id],
  );
  check(
    "both uploads are in the Drive",
    uploaded.length === 2,
    uploaded.map((u) => u.name).join(", "),
  );
  for (const file of uploaded) {
    const res = await page.request.get(`${BASE_URL}/api/drive/files/${file.id}/download`);
    const body = await res.text();
    check(
      `${file.name} downloads intact`,
      res.ok() && body.startsWith("uploaded"),
      `HTTP ${res.status()}`,
    );
  }

  // Traffic after the restart reaches server 2 again.
  const after = await runLoad({
    baseUrl: BASE_URL,
    cookie,
    targets: workload(account.jobId),
    concurrency: 4,
    durationMs: 4_000,
  });
  const { counts } = upstreamCounts(logFrom);
  check(
    "the restarted server takes traffic again",
    (counts["127.0.0.1:3002"] ?? 0) > 0 && after.samples.every(ok),
    JSON.stringify(counts),
  );
  check("still signed in at the end", await signedInDrive(page));
} catch (error) {
  check(
    "the scenario ran to the end",
    false,
    error instanceof Error ? error.message : String(error),
  );
} finally {
  await browser.close();
  for (const i of [1, 2, 3]) if (!serverRunning(i)) startServer(i);
  await removeAccount(account.id);
  rmSync(dir, { recursive: true, force: true });
}

const failed = checks.filter((c) => !c.ok).length;
console.log(`\nfailover: ${checks.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
