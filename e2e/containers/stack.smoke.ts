import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { hydrating } from "../support/hydration";

// The compose stack (docker-compose.yml) from a browser, through nginx: sign up, upload, an image
// filter, a word count, a Pulse replay, downloads; then one app container crashes and the session
// and files are still served; then `docker-compose down` and `up` and everything is still there.
// Run by scripts/deploy/test-containers.sh (npm run test:containers), which builds the images,
// starts the stack and passes its settings in STRATUS_SMOKE_*.

const compose = JSON.parse(process.env.STRATUS_SMOKE_COMPOSE ?? "null") as string[] | null;
const mailSink = process.env.STRATUS_SMOKE_MAIL_HTTP;
const reportFile = process.env.STRATUS_SMOKE_REPORT;
if (!compose) throw new Error("STRATUS_SMOKE_COMPOSE is not set: run npm run test:containers");

test.describe.configure({ mode: "serial" });

const timings: { step: string; seconds: number }[] = [];
async function timed<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await test.step(name, body);
  timings.push({ step: name, seconds: Math.round((performance.now() - started) / 100) / 10 });
  return result;
}

test.afterAll(() => {
  const lines = timings.map((t) => `  ${t.step.padEnd(48)} ${t.seconds.toFixed(1).padStart(6)} s`);
  console.log(`smoke test timings:\n${lines.join("\n")}`);
  if (reportFile) {
    mkdirSync(path.dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, JSON.stringify(timings, null, 2));
  }
});

function dockerCompose(...args: string[]): string {
  const [command, ...base] = compose!;
  return execFileSync(command!, [...base, ...args], { encoding: "utf8", stdio: "pipe" });
}

/** Waits until nginx answers /api/ready with 200 (every dependency up behind some app server). */
async function waitReady(page: Page, timeoutMs: number) {
  await expect
    .poll(
      async () => {
        try {
          return (await page.request.get("/api/ready", { timeout: 5_000 })).status();
        } catch {
          return 0;
        }
      },
      { timeout: timeoutMs, intervals: [1_000] },
    )
    .toBe(200);
}

/** Links in the mail sink's messages to `to` (when the stack sends mail to it). */
async function mailedLinks(to: string): Promise<string[]> {
  if (!mailSink) return [];
  const res = await fetch(`${mailSink}/messages?to=${encodeURIComponent(to)}`);
  const mails = (await res.json()) as { raw: string }[];
  const text = mails
    .map((m) => m.raw.replace(/=\r?\n/g, "").replace(/=3D/g, "="))
    .join("\n")
    .replace(/&amp;/g, "&");
  return [...text.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]);
}

async function download(page: Page, click: () => Promise<unknown>) {
  const [file] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
}

async function gradientJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) {
    const x = (i / 3) % width;
    pixels[i] = Math.round((x / width) * 255);
    pixels[i + 1] = 180;
    pixels[i + 2] = 40;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg()
    .toBuffer();
}

const RUN = randomBytes(4).toString("hex");
const email = `smoke-${RUN}@example.com`;
const password = `smoke-${randomBytes(12).toString("hex")}`;
const notes = Buffer.from(`Stratus in containers, run ${RUN}.\n`.repeat(200));
const WORDS = "alpha beta gamma beta gamma gamma\n".repeat(300);
// Hadoop-streaming word count: a Python mapper and a JavaScript reducer.
const MAPPER = [
  "import sys",
  "for line in sys.stdin:",
  "    for word in line.split():",
  '        print(f"{word}\\t1")',
  "",
].join("\n");
const REDUCER = [
  'const rl = require("node:readline").createInterface({ input: process.stdin });',
  "let key = null;",
  "let sum = 0;",
  "const flush = () => key !== null && console.log(`${key}\\t${sum}`);",
  'rl.on("line", (line) => {',
  '  const [k, v] = line.split("\\t");',
  "  if (k !== key) {",
  "    flush();",
  "    key = k;",
  "    sum = 0;",
  "  }",
  "  sum += Number(v);",
  "});",
  'rl.on("close", flush);',
  "",
].join("\n");
const POSTS = 12;
// Caps on waits for states, not expectations: at load 66 (a cold image build beside seven test
// runs) signing up alone outlasted 30 s. A healthy stack answers in a second or two.
const STATE_MS = 180_000;
const LONG_STATE_MS = 600_000;

const posts = Array.from({ length: POSTS }, (_, i) =>
  JSON.stringify({
    id: `p-${i}`,
    text: i % 2 ? `Solar energy is wonderful #solar ${i}` : `Energy prices are awful ${i}`,
    time: new Date(Date.UTC(2025, 0, 1, 12, 0, i)).toISOString(),
    author: `user${i % 3}.example`,
    lang: "en",
  }),
).join("\n");

test("the stack through nginx: every app, a crash, a restart", async ({ page: raw }) => {
  test.setTimeout(1_800_000);
  // Every goto waits for React to hydrate, as in e2e/: this test checks the deployment, and a click
  // or a file set before hydration (covered by its own e2e tests) would only make it flaky.
  const page = hydrating(raw);

  await timed("sign up", async () => {
    await page.goto("/signup");
    await page.getByLabel("Name").fill("Smoke Test");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    // Signed in at once, or (with e-mail verification) after following the mailed link.
    await expect
      .poll(
        async () =>
          /\/home$/.test(page.url()) || (await mailedLinks(email)).some((l) => /verif/i.test(l)),
        { timeout: STATE_MS },
      )
      .toBe(true);
    if (!/\/home$/.test(page.url())) {
      const link = (await mailedLinks(email)).find((l) => /verif/i.test(l))!;
      await page.goto(link);
      if (!/\/home$/.test(page.url())) {
        await page.goto("/login");
        await page.getByLabel("Email").fill(email);
        await page.getByLabel("Password").fill(password);
        await page.getByRole("button", { name: "Log in" }).click();
      }
    }
    await expect(page).toHaveURL(/\/home$/);
  });

  await timed("upload a file to the Drive", async () => {
    await page.goto("/drive");
    await page.getByTestId("upload-input").setInputFiles({
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: notes,
    });
    await expect(page.getByTestId("upload-panel")).toContainText("1 file uploaded", {
      timeout: STATE_MS,
    });
    await expect(page.getByRole("table").getByText("notes.txt", { exact: true })).toBeVisible();
  });

  await timed("apply an image filter, download the result", async () => {
    await page.goto("/images");
    await page.getByTestId("image-upload-input").setInputFiles({
      name: "lake.jpg",
      mimeType: "image/jpeg",
      buffer: await gradientJpeg(640, 480),
    });
    await expect(page).toHaveURL(/\/images\/[A-Za-z0-9_-]+$/, { timeout: STATE_MS });
    await expect(page.getByTestId("preview-image")).toBeVisible({ timeout: STATE_MS });
    await page.getByRole("button", { name: "Add filter" }).click();
    await page
      .getByTestId("add-step-menu")
      .getByRole("button", { name: "Grayscale", exact: true })
      .click();
    await page.getByTestId("apply").click();
    await expect(page.getByTestId("job-progress")).toHaveAttribute("data-status", "succeeded", {
      timeout: STATE_MS,
    });
    const result = page.getByTestId("result");
    await expect(result).toContainText("lake (edited).jpg");
    const file = await download(page, () => result.getByRole("link", { name: "Download" }).click());
    const { data, info } = await sharp(file.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(640);
    // Grey: the channels of a pixel are equal.
    expect(Math.abs(data[0]! - data[2]!)).toBeLessThanOrEqual(2);
  });

  await timed("run a word count, download its output", async () => {
    await page.goto("/mapreduce/new");
    await page.getByTestId("inputs-upload").setInputFiles({
      name: "words.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(WORDS),
    });
    await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
      "words.txt",
      { timeout: STATE_MS },
    );
    await page.getByLabel("Name (optional)").fill("Smoke count");
    await page.getByRole("button", { name: "Run job" }).click();
    await expect(page).toHaveURL(/\/mapreduce\/[A-Za-z0-9_-]+$/, { timeout: STATE_MS });
    await expect(page.locator("[data-status]").first()).toHaveAttribute(
      "data-status",
      "succeeded",
      { timeout: LONG_STATE_MS },
    );
    await expect(page.getByTestId("output-preview")).toContainText("gamma\t900");
    const zip = await download(page, () =>
      page.getByRole("link", { name: "Download all (zip)" }).click(),
    );
    expect(zip.bytes.subarray(0, 2).toString()).toBe("PK");
  });

  // Uploaded programs run in MapReduce's sandbox inside the worker container (bubblewrap,
  // seccomp, prlimit; docker-compose.sandbox.yml lets the worker make user namespaces): a
  // Python mapper and a JavaScript reducer, so both interpreters' binds are exercised.
  await timed("run uploaded programs in the sandbox", async () => {
    await page.goto("/mapreduce/new");
    await page.getByRole("radio", { name: "Your own programs" }).click();
    await page.getByTestId("inputs-upload").setInputFiles({
      name: "words-2.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(WORDS),
    });
    await expect(page.getByRole("list", { name: "Input files: chosen files" })).toContainText(
      "words-2.txt",
      { timeout: STATE_MS },
    );
    // Programs are written in the editor by default; these come from files instead.
    await page
      .getByRole("radiogroup", { name: "Mapper: source" })
      .getByRole("radio", { name: "File from Drive" })
      .click();
    await page.getByTestId("mapper-upload").setInputFiles({
      name: "mapper.py",
      mimeType: "text/x-python",
      buffer: Buffer.from(MAPPER),
    });
    await expect(page.getByRole("list", { name: "Mapper: file: chosen files" })).toContainText(
      "mapper.py",
      { timeout: STATE_MS },
    );
    await page
      .getByRole("radiogroup", { name: "Reducer (optional): source" })
      .getByRole("radio", { name: "File from Drive" })
      .click();
    await page.getByTestId("reducer-upload").setInputFiles({
      name: "reducer.js",
      mimeType: "text/javascript",
      buffer: Buffer.from(REDUCER),
    });
    await expect(
      page.getByRole("list", { name: "Reducer (optional): file: chosen files" }),
    ).toContainText("reducer.js", { timeout: STATE_MS });
    await page.getByLabel("Name (optional)").fill("Smoke programs");
    await page.getByRole("button", { name: "Run job" }).click();
    await expect(page).toHaveURL(/\/mapreduce\/[A-Za-z0-9_-]+$/, { timeout: STATE_MS });
    const status = page.locator("[data-status]").first();
    await expect(status).toHaveAttribute("data-status", /^(succeeded|failed)$/, {
      timeout: LONG_STATE_MS,
    });
    // On failure the page names the task's error (bubblewrap's or the program's stderr).
    if ((await status.getAttribute("data-status")) !== "succeeded") {
      throw new Error(`the job failed: ${await page.locator("main").innerText()}`);
    }
    await expect(page.getByTestId("output-preview")).toContainText("gamma\t900");
  });

  await timed("replay a Pulse file, download the posts", async () => {
    await page.goto("/drive");
    await page.getByTestId("upload-input").setInputFiles({
      name: "energy.ndjson",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(`${posts}\n`),
    });
    await expect(page.getByTestId("upload-panel")).toContainText("1 file uploaded", {
      timeout: STATE_MS,
    });
    await page.goto("/pulse/new");
    await page.getByLabel("Name").fill("Energy");
    await page.getByLabel("Keywords").fill("energy");
    await page.getByLabel(/Bluesky/).uncheck();
    await page.getByLabel(/Replay a file/).check();
    await page.getByLabel("File", { exact: true }).selectOption({ label: "energy.ndjson" });
    await page.getByLabel("10×").check();
    await page.getByRole("button", { name: "Create tracker" }).click();
    await expect(page).toHaveURL(/\/pulse\/(?!new$)[a-z0-9]+$/);
    await expect(page.getByTestId("total-posts")).toHaveText(String(POSTS), { timeout: STATE_MS });
    const csv = await download(page, () => page.getByRole("link", { name: "Posts CSV" }).click());
    expect(csv.bytes.toString().trim().split(/\r\n/)).toHaveLength(POSTS + 1);
  });

  const pulseUrl = page.url();

  // The Drive, as seen after each disruption: signed in, both uploads listed, the bytes intact.
  async function driveIsIntact() {
    await page.goto("/drive");
    await expect(page).toHaveURL(/\/drive/);
    const table = page.getByRole("table");
    await expect(table.getByText("notes.txt", { exact: true })).toBeVisible();
    await expect(table.getByText("energy.ndjson", { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Actions for notes.txt" }).click();
    const file = await download(page, () =>
      page.getByRole("menuitem", { name: "Download" }).click(),
    );
    expect(file.bytes.equals(notes)).toBe(true);
  }

  await timed("kill app-1: the others serve the session", async () => {
    const id = dockerCompose("ps", "-q", "app-1").trim();
    const pid = execFileSync(
      process.env.DOCKER ?? "docker",
      ["inspect", "-f", "{{.State.Pid}}", id],
      {
        encoding: "utf8",
      },
    ).trim();
    expect(Number(pid)).toBeGreaterThan(1);
    // A crash, not a stop: SIGKILL to the server's process from outside the container.
    process.kill(Number(pid), "SIGKILL");
    // Several rounds, so nginx tries the dead server too and passes each request on.
    for (let i = 0; i < 3; i++) await driveIsIntact();
    await page.goto(pulseUrl);
    await expect(page.getByTestId("total-posts")).toHaveText(String(POSTS));
  });

  await timed("app-1 restarts by itself (restart policy)", async () => {
    const id = dockerCompose("ps", "-q", "app-1").trim();
    await expect
      .poll(
        () =>
          execFileSync(
            process.env.DOCKER ?? "docker",
            ["inspect", "-f", "{{.State.Health.Status}} {{.RestartCount}}", id],
            { encoding: "utf8" },
          ).trim(),
        { timeout: LONG_STATE_MS, intervals: [1_000] },
      )
      .toMatch(/^healthy [1-9]/);
  });

  await timed("docker-compose down", async () => {
    dockerCompose("down", "--timeout", "30");
    expect(dockerCompose("ps", "-q").trim()).toBe("");
  });

  await timed("docker-compose up until ready", async () => {
    dockerCompose("up", "-d", "--no-build");
    await waitReady(page, 300_000);
  });

  await timed("after down/up: session, files, results, tracker", async () => {
    await driveIsIntact();
    await page.goto("/mapreduce");
    await expect(page.getByRole("link", { name: "Smoke count" })).toBeVisible();
    await page.goto(pulseUrl);
    await expect(page.getByTestId("total-posts")).toHaveText(String(POSTS));
  });
});
