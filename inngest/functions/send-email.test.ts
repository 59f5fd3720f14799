import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { startTestSmtpServer } from "@/lib/email/testing/smtp-server";
import { startAppExecutor, stubAppClientEnv } from "@/lib/executor/testing/app-rig";
import { resetExecutorTables, testClient, testKeys } from "@/lib/executor/testing/harness";

// The app's client reads its keys from the environment once, when it is created; the function
// modules are imported after the keys are in place.
const keys = testKeys();
await stubAppClientEnv(keys);
const { inngest } = await import("@/lib/events/client");
const { sendEmail } = await import("./send-email");

const cleanups: (() => Promise<void>)[] = [];
beforeEach(resetExecutorTables);
afterAll(() => vi.unstubAllEnvs());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  delete process.env.SMTP_URL;
});

describe("send-email", () => {
  it("delivers a stratus/email.send event to a real SMTP server through the executor", async () => {
    const smtp = await startTestSmtpServer();
    cleanups.push(smtp.close);
    process.env.SMTP_URL = smtp.url;
    const rig = await startAppExecutor(inngest, [sendEmail], keys);
    cleanups.push(rig.stop);

    await testClient(keys, rig.eventPort).send({
      name: "stratus/email.send",
      data: {
        to: "grace@example.com",
        subject: "Welcome to Stratus",
        text: "Hello Grace",
        purpose: "account",
      },
    });
    const deadline = Date.now() + 15_000;
    while (smtp.received.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual(["grace@example.com"]);
    expect(smtp.received[0]?.raw).toContain("Subject: Welcome to Stratus");
    expect(smtp.received[0]?.raw).toContain("Hello Grace");
  });

  it("attack: mails nothing but account mail to an unverified address (issue 14 item 8)", async () => {
    const smtp = await startTestSmtpServer();
    cleanups.push(smtp.close);
    process.env.SMTP_URL = smtp.url;
    const rig = await startAppExecutor(inngest, [sendEmail], keys);
    cleanups.push(rig.stop);
    const stamp = Date.now();
    const unverified = `unverified-${stamp}@send-email.test`;
    const verified = `verified-${stamp}@send-email.test`;
    await db.user.createMany({
      data: [
        { email: unverified, name: "U", passwordHash: "x" },
        { email: verified, name: "V", passwordHash: "x", emailVerifiedAt: new Date() },
      ],
    });
    cleanups.push(async () => {
      await db.user.deleteMany({ where: { email: { in: [unverified, verified] } } });
    });

    const client = testClient(keys, rig.eventPort);
    await client.send({
      name: "stratus/email.send",
      data: { to: unverified, subject: "Your job finished", text: "results" },
    });
    // Sent after: once it arrives, the first one had its turn.
    await client.send({
      name: "stratus/email.send",
      data: { to: verified, subject: "Your job finished", text: "results" },
    });
    const deadline = Date.now() + 15_000;
    while (smtp.received.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // Both runs finished (the skipped one may finish after the delivered one).
    await expect
      .poll(async () => db.execRun.count({ where: { status: "completed" } }), { timeout: 15_000 })
      .toBe(2);
    expect(smtp.received.map((m) => m.to)).toEqual([[verified]]);
  });
});
