import { describe, expect, it } from "vitest";
import { assertEnvironment, environmentProblems, type Env } from "./environment";

const valid = {
  DATABASE_URL: "mysql://stratus:secret@127.0.0.1:3307/stratus",
  NEXTAUTH_SECRET: "x".repeat(40),
  INNGEST_SIGNING_KEY: `signkey-test-${"ab".repeat(32)}`,
  INNGEST_EVENT_KEY: "e".repeat(32),
  S3_BUCKET: "stratus",
  PULSE_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
} satisfies Env;

describe("the start-up environment check", () => {
  it("accepts a complete environment for the web server and the worker", () => {
    expect(environmentProblems("web", { ...valid })).toEqual([]);
    expect(environmentProblems("worker", { ...valid })).toEqual([]);
  });

  it("names each missing or wrong variable in one error", () => {
    const env = { ...valid, NEXTAUTH_SECRET: "short", TRUSTED_PROXY_HOPS: "many" };
    delete (env as Env).DATABASE_URL;
    expect(() => assertEnvironment("web", env)).toThrowError(
      /cannot start the web server[\s\S]*DATABASE_URL: DATABASE_URL is not set[\s\S]*NEXTAUTH_SECRET: NEXTAUTH_SECRET must be at least 32 characters[\s\S]*TRUSTED_PROXY_HOPS:/,
    );
  });

  it("checks each feature's settings too", () => {
    const problems = environmentProblems("web", {
      ...valid,
      S3_PRESIGN_TTL_SECONDS: "0",
      SMTP_URL: "http://mail.example.com",
      STRATUS_USER_CPU_CAP: "all of them",
    });
    expect(problems.some((p) => p.startsWith("S3_PRESIGN_TTL_SECONDS:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SMTP_URL:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("STRATUS_USER_CPU_CAP:"))).toBe(true);
    expect(
      environmentProblems("worker", { ...valid, STRATUS_USER_CPU_CAP: "0.01" }).some((p) =>
        p.startsWith("STRATUS_USER_CPU_CAP:"),
      ),
    ).toBe(true);
  });

  it("wants the Inngest keys in the web server unless an Inngest dev server is used", () => {
    const keyless: Env = { ...valid, INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: undefined };
    const problems = environmentProblems("web", keyless);
    expect(problems).toEqual([
      expect.stringMatching(/^INNGEST_EVENT_KEY: is not set/),
      expect.stringMatching(/^INNGEST_SIGNING_KEY: is not set/),
    ]);
    expect(environmentProblems("web", { ...keyless, INNGEST_DEV: "1" })).toEqual([]);
  });

  it("refuses INNGEST_DEV in production, for the web server and the worker", () => {
    for (const role of ["web", "worker"] as const) {
      for (const dev of ["1", "true", "http://inngest:8288"]) {
        const problems = environmentProblems(role, {
          ...valid,
          NODE_ENV: "production",
          INNGEST_DEV: dev,
        });
        expect(problems).toEqual([
          expect.stringMatching(/^INNGEST_DEV: must not be set when NODE_ENV=production/),
        ]);
        expect(() =>
          assertEnvironment(role, { ...valid, NODE_ENV: "production", INNGEST_DEV: dev }),
        ).toThrow(/INNGEST_DEV/);
      }
      expect(
        environmentProblems(role, { ...valid, NODE_ENV: "production", INNGEST_DEV: "0" }),
      ).toEqual([]);
      expect(
        environmentProblems(role, { ...valid, NODE_ENV: "development", INNGEST_DEV: "1" }),
      ).toEqual([]);
    }
  });

  it("refuses PULSE_ALLOW_LOOPBACK_HOSTS in production", () => {
    const env = { ...valid, NODE_ENV: "production", PULSE_ALLOW_LOOPBACK_HOSTS: "1" };
    expect(environmentProblems("web", env)).toEqual([
      expect.stringMatching(/^PULSE_ALLOW_LOOPBACK_HOSTS: must not be set/),
    ]);
  });

  it("checks the worker's own settings, not the session secret", () => {
    const env: Env = { ...valid, NEXTAUTH_SECRET: undefined };
    expect(environmentProblems("worker", env)).toEqual([]);
    const problems = environmentProblems("worker", { ...env, INNGEST_SIGNING_KEY: "plain" });
    expect(problems).toEqual([
      expect.stringMatching(/^INNGEST_SIGNING_KEY: .*signkey-<env>-<hex>/),
    ]);
  });

  it("checks Pulse's and MapReduce's settings, and wants the Pulse key where tokens are handled", () => {
    const keyless: Env = { ...valid, PULSE_SECRET_KEY: undefined };
    expect(environmentProblems("web", keyless)).toEqual([
      expect.stringMatching(/^PULSE_SECRET_KEY: PULSE_SECRET_KEY is not set/),
    ]);
    expect(environmentProblems("listener", keyless)).toEqual([
      expect.stringMatching(/^PULSE_SECRET_KEY: PULSE_SECRET_KEY is not set/),
    ]);
    // The worker never reads the tokens.
    expect(environmentProblems("worker", keyless)).toEqual([]);
    const problems = environmentProblems("worker", {
      ...valid,
      PULSE_SECRET_KEY: "c2hvcnQ=",
      PULSE_BATCH_SIZE: "5000",
      MAPREDUCE_PARALLEL_TASKS: "zero",
      EMR_POLL_SECONDS: "0",
    });
    expect(problems).toEqual([
      expect.stringMatching(/^MAPREDUCE_PARALLEL_TASKS:/),
      expect.stringMatching(/^EMR_POLL_SECONDS:/),
      expect.stringMatching(/^PULSE_SECRET_KEY: PULSE_SECRET_KEY must be 32 bytes/),
      expect.stringMatching(/^PULSE_BATCH_SIZE:/),
    ]);
  });

  it("checks the listener's database and event key", () => {
    expect(environmentProblems("listener", { ...valid })).toEqual([]);
    const env: Env = { ...valid, DATABASE_URL: undefined, INNGEST_EVENT_KEY: undefined };
    expect(environmentProblems("listener", env)).toEqual([
      expect.stringMatching(/^DATABASE_URL: DATABASE_URL is not set/),
      expect.stringMatching(/^INNGEST_EVENT_KEY: is not set/),
    ]);
    expect(() => assertEnvironment("listener", env)).toThrowError(/cannot start Pulse's listener/);
  });
});
