import { describe, expect, it } from "vitest";
import { assertEnvironment, environmentProblems, type Env } from "./environment";

const valid = {
  DATABASE_URL: "mysql://stratus:secret@127.0.0.1:3307/stratus",
  NEXTAUTH_SECRET: "x".repeat(40),
  INNGEST_SIGNING_KEY: `signkey-test-${"ab".repeat(32)}`,
  INNGEST_EVENT_KEY: "e".repeat(32),
  S3_BUCKET: "stratus",
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
    });
    expect(problems.some((p) => p.startsWith("S3_PRESIGN_TTL_SECONDS:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("SMTP_URL:"))).toBe(true);
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

  it("checks the worker's own settings, not the session secret", () => {
    const env: Env = { ...valid, NEXTAUTH_SECRET: undefined };
    expect(environmentProblems("worker", env)).toEqual([]);
    const problems = environmentProblems("worker", { ...env, INNGEST_SIGNING_KEY: "plain" });
    expect(problems).toEqual([
      expect.stringMatching(/^INNGEST_SIGNING_KEY: .*signkey-<env>-<hex>/),
    ]);
  });
});
