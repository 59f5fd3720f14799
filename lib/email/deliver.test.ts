import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deliverEmail } from "./deliver";
import { startTestSmtpServer } from "./testing/smtp-server";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  vi.restoreAllMocks();
});

const message = {
  to: "ada@example.com",
  subject: "Your export is ready",
  text: "Download it from Stratus.",
};

describe("deliverEmail", () => {
  it("sends over SMTP and the server receives the message", async () => {
    const smtp = await startTestSmtpServer();
    cleanups.push(smtp.close);
    const result = await deliverEmail(message, {
      smtpUrl: smtp.url,
      from: "Stratus <no-reply@stratus.test>",
      outboxDir: "/nonexistent",
    });
    expect(result).toMatchObject({ via: "smtp", accepted: ["ada@example.com"] });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.from).toBe("no-reply@stratus.test");
    expect(mail?.to).toEqual(["ada@example.com"]);
    expect(mail?.raw).toContain("Subject: Your export is ready");
    expect(mail?.raw).toContain("Download it from Stratus.");
  });

  it("writes an .eml file to the outbox and logs its path when no SMTP server is configured", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "stratus-outbox-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const log = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const result = await deliverEmail(message, {
      from: "Stratus <no-reply@localhost>",
      outboxDir: dir,
    });
    if (result.via !== "outbox") throw new Error("expected the outbox");
    expect(path.dirname(result.path)).toBe(dir);
    expect(result.path).toMatch(/\.eml$/);
    const eml = await readFile(result.path, "utf8");
    expect(eml).toContain("To: ada@example.com");
    expect(eml).toContain("Subject: Your export is ready");
    expect(log).toHaveBeenCalledWith(expect.stringContaining(result.path));
  });

  it("refuses a malformed message before contacting anyone", async () => {
    await expect(
      deliverEmail(
        { ...message, to: "not-an-address" },
        { from: "x <x@y.z>", outboxDir: "/nonexistent" },
      ),
    ).rejects.toThrow();
  });
});

describe("attack: reading another user's mail from the outbox (issue 14 item 14)", () => {
  it("writes outbox mails readable by the server's user only", async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), "stratus-outbox-")), "outbox");
    cleanups.push(() => rm(path.dirname(dir), { recursive: true, force: true }));
    vi.spyOn(console, "log").mockImplementation(() => {});
    const result = await deliverEmail(message, { from: "x <x@y.z>", outboxDir: dir });
    if (result.via !== "outbox") throw new Error("expected the outbox");
    expect((await stat(result.path)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });
});
