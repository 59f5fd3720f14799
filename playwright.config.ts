import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";
import { chromium } from "./e2e/support/chromium";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${PORT}`;
const testDatabaseUrl = process.env.TEST_DATABASE_URL;
if (!testDatabaseUrl) throw new Error("TEST_DATABASE_URL is not set: run tests with `npm test`");

// The e2e app gets its own job worker on its own ports, with keys made for this run.
const EVENT_PORT = PORT + 5288;
// And its own SMTP server, whose messages the tests read over HTTP (e2e/support/mail.ts).
const MAIL_SMTP_PORT = PORT + 6225;
const MAIL_HTTP_PORT = PORT + 6300;
// And a loopback stand-in of Bluesky's post search, for Pulse's backfill (e2e/support/bluesky-search-server.ts).
// Every offset here is one scripts/lib.sh's choose_test_ports checks for collisions.
const BSKY_STAND_IN_PORT = PORT + 6450;
// /api/ready's details (lib/health/ready-access.ts): set once here, inherited by the test workers.
process.env.READY_DETAILS_TOKEN ??= randomBytes(24).toString("hex");
const inngest = {
  INNGEST_SIGNING_KEY: `signkey-e2e-${randomBytes(32).toString("hex")}`,
  INNGEST_EVENT_KEY: randomBytes(32).toString("hex"),
  INNGEST_BASE_URL: `http://127.0.0.1:${EVENT_PORT}`,
};

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  forbidOnly: !!process.env.CI,
  // Every wait is on a state (a URL, a text, a value); these are only the caps. A loaded machine
  // (another Stratus beside this suite, load 15-30 on 2 cores) made a 10 s cap fail a server action's
  // redirect that a quiet machine finishes in under a second, so the caps are generous.
  timeout: 240_000,
  expect: { timeout: 60_000 },
  reporter: [["list"], ["json", { outputFile: ".data/test-reports/playwright.json" }]],
  outputDir: ".data/test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [chromium],
  webServer: [
    {
      command: "node --import tsx e2e/support/mail-sink.ts",
      url: `http://127.0.0.1:${MAIL_HTTP_PORT}/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        MAIL_SINK_SMTP_PORT: String(MAIL_SMTP_PORT),
        MAIL_SINK_HTTP_PORT: String(MAIL_HTTP_PORT),
      },
    },
    {
      command: "node --import tsx e2e/support/bluesky-search-server.ts",
      wait: { stdout: /listening/ },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      env: { BSKY_STAND_IN_PORT: String(BSKY_STAND_IN_PORT) },
    },
    // The worker first: the app reports healthy only once a worker heartbeats.
    {
      command: "node --conditions=react-server --import tsx scripts/worker.ts",
      url: `http://127.0.0.1:${EVENT_PORT}/health`,
      reuseExistingServer: false,
      // Its sync with its own serve endpoint may take up to 120 s on a loaded machine (sync.ts).
      timeout: 180_000,
      stdout: "pipe",
      env: {
        DATABASE_URL: testDatabaseUrl,
        ...inngest,
        EXECUTOR_EVENT_PORT: String(EVENT_PORT),
        WORKER_SERVE_PORT: String(PORT + 288),
        SMTP_URL: `smtp://127.0.0.1:${MAIL_SMTP_PORT}`,
        NEXTAUTH_URL: baseURL,
        // Small map tasks, so that a test input of a few hundred KB shows the phases progress.
        MAPREDUCE_CHUNK_BYTES: "4096",
        MAPREDUCE_WORK_DIR: ".data/e2e-mapreduce",
        PULSE_BSKY_SEARCH_URL: `http://127.0.0.1:${BSKY_STAND_IN_PORT}`,
        PULSE_ALLOW_LOOPBACK_HOSTS: "1",
      },
    },
    // Pulse's listener, sending the trackers' posts to that worker (no live feed here: the
    // Jetstream URL goes nowhere; replay trackers need none).
    {
      command: "node --conditions=react-server --import tsx scripts/listener.ts",
      wait: { stdout: /listening/ },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      env: {
        DATABASE_URL: testDatabaseUrl,
        ...inngest,
        PULSE_JETSTREAM_URL: "ws://127.0.0.1:9/",
      },
    },
    {
      // Built by `npm test` into .next-test (NEXT_DIST_DIR) so a running `npm run up` is untouched.
      command: `./node_modules/.bin/next start -p ${PORT}`,
      // Ready, not just alive: the database, the store and the worker's heartbeat answer.
      url: `${baseURL}/api/ready`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      env: {
        NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-test",
        DATABASE_URL: testDatabaseUrl,
        NEXTAUTH_URL: baseURL,
        NEXT_TELEMETRY_DISABLED: "1",
        // The tests stand for one proxy in front of the app: the X-Forwarded-For they send is what
        // nginx would (e2e/support/fixtures.ts gives each test its own client address).
        TRUSTED_PROXY_HOPS: "1",
        READY_DETAILS_TOKEN: process.env.READY_DETAILS_TOKEN,
        ...inngest,
      },
    },
  ],
});
