// The running `npm run up -- --instances N` stack, driven through scripts/deploy/instance.sh.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import { randomBytes, randomUUID } from "node:crypto";
import mariadb from "mariadb";

export const BASE_URL =
  process.env.SCALE_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;

function instance(action: string, arg: number): string {
  return execFileSync("bash", ["scripts/deploy/instance.sh", action, String(arg)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** SIGKILL: the server dies mid-request, as in a crash. */
export const killServer = (i: number) => instance("kill", i);
export const stopServer = (i: number) => instance("stop", i);
export const startServer = (i: number) => instance("start", i);
/** nginx in front of servers 1…n only. */
export const balance = (n: number) => instance("balance", n);
export const serverRunning = (i: number) => instance("status", i).startsWith("running");

export function databaseUrl(): string {
  if (existsSync(".env.local")) process.loadEnvFile(".env.local");
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: run `npm run up -- --instances 3` first");
  return url.replace(/^mysql:/, "mariadb:");
}

async function withDb<T>(fn: (c: mariadb.Connection) => Promise<T>): Promise<T> {
  const conn = await mariadb.createConnection(databaseUrl());
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export type Account = { id: string; email: string; password: string };

/** A throwaway account with `files` Drive rows and one finished job (what the workload reads). */
export async function makeAccount(files = 60): Promise<Account & { jobId: string }> {
  const account = {
    id: `scale${randomBytes(10).toString("hex")}`,
    email: `scale-${randomUUID().slice(0, 12)}@bench.stratus.test`,
    password: `Pw-${randomBytes(6).toString("hex")}-9`,
  };
  const passwordHash = await hash(account.password, {
    algorithm: 2,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  });
  const jobId = `scalejob${randomBytes(8).toString("hex")}`;
  await withDb(async (c) => {
    await c.query(
      "INSERT INTO `User` (id, email, name, passwordHash, createdAt, updatedAt) VALUES (?, ?, 'Scale Bench', ?, NOW(3), NOW(3))",
      [account.id, account.email, passwordHash],
    );
    for (let i = 0; i < files; i++) {
      await c.query(
        "INSERT INTO `File` (id, ownerId, name, size, contentType, storageKey, createdAt, updatedAt) VALUES (?, ?, ?, ?, 'text/plain', ?, NOW(3), NOW(3))",
        [
          `sf${randomBytes(12).toString("hex")}`,
          account.id,
          `report-${String(i).padStart(3, "0")}.txt`,
          1000 + i,
          `users/${account.id}/${randomBytes(16).toString("hex")}`,
        ],
      );
    }
    await c.query(
      "INSERT INTO `Job` (id, ownerId, kind, status, progress, createdAt, startedAt, finishedAt, updatedAt) VALUES (?, ?, 'drive.empty-trash', 'succeeded', 100, NOW(3), NOW(3), NOW(3), NOW(3))",
      [jobId, account.id],
    );
  });
  return { ...account, jobId };
}

export async function removeAccount(id: string): Promise<void> {
  await withDb((c) => c.query("DELETE FROM `User` WHERE id = ?", [id]));
}

export async function dbQuery<T>(sql: string, params: unknown[]): Promise<T[]> {
  return withDb((c) => c.query(sql, params));
}

/** Signs in through next-auth's credentials endpoint, as the login form does; the session cookie. */
export async function signIn(email: string, password: string, baseUrl = BASE_URL): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const csrfCookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => c.startsWith("next-auth.session-token="));
  if (!session) throw new Error(`sign-in failed (${res.status})`);
  return session;
}

/** How many requests each upstream answered, from nginx's JSON access log since `offset`. */
export function upstreamCounts(offset: number): { counts: Record<string, number>; end: number } {
  const file = ".data/logs/nginx-access.log";
  const text = readFileSync(file, "utf8");
  const counts: Record<string, number> = {};
  for (const line of text.slice(offset).split("\n")) {
    if (!line.trim()) continue;
    try {
      const { upstream } = JSON.parse(line) as { upstream: string };
      // A retried request lists every server tried: "127.0.0.1:3002, 127.0.0.1:3001".
      const last = upstream.split(",").pop()?.trim() ?? "";
      counts[last] = (counts[last] ?? 0) + 1;
    } catch {
      // a line being written
    }
  }
  return { counts, end: text.length };
}

export function accessLogSize(): number {
  try {
    return readFileSync(".data/logs/nginx-access.log", "utf8").length;
  } catch {
    return 0;
  }
}
