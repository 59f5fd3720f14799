import { hash } from "@node-rs/argon2";
import { randomBytes, randomUUID } from "node:crypto";
import mariadb from "mariadb";

// Test-side access to the test database: fixtures create accounts directly instead of
// clicking through sign-up for every test. The app under test reads the same rows.

function url(): string {
  const u = process.env.TEST_DATABASE_URL;
  if (!u) throw new Error("TEST_DATABASE_URL is not set: run tests with `npm test`");
  return u.replace(/^mysql:/, "mariadb:");
}

export async function withConnection<T>(fn: (conn: mariadb.Connection) => Promise<T>): Promise<T> {
  const conn = await mariadb.createConnection(url());
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export type TestAccount = { id: string; name: string; email: string; password: string };

export function uniqueEmail(tag = "user"): string {
  return `${tag}-${randomUUID().slice(0, 12)}@e2e.stratus.test`;
}

export async function createAccount(overrides: Partial<TestAccount> = {}): Promise<TestAccount> {
  const account: TestAccount = {
    id: `e2e${randomBytes(12).toString("hex")}`,
    name: overrides.name ?? "Ada Lovelace",
    email: overrides.email ?? uniqueEmail(),
    password: overrides.password ?? `Pw-${randomBytes(6).toString("hex")}-9`,
  };
  const passwordHash = await hash(account.password, {
    algorithm: 2,
    memoryCost: 19_456,
    timeCost: 2,
    parallelism: 1,
  });
  await withConnection((c) =>
    c.query(
      // Verified: fixtures stand for users who confirmed their address (e-mails reach them).
      "INSERT INTO `User` (id, email, name, passwordHash, emailVerifiedAt, createdAt, updatedAt) VALUES (?, ?, ?, ?, NOW(3), NOW(3), NOW(3))",
      [account.id, account.email, account.name, passwordHash],
    ),
  );
  return account;
}

export async function findUserByEmail(email: string) {
  return withConnection(async (c) => {
    const rows: { id: string; name: string }[] = await c.query(
      "SELECT id, name FROM `User` WHERE email = ?",
      [email],
    );
    return rows[0] ?? null;
  });
}

export async function countLoginAttempts(email: string): Promise<number> {
  return withConnection(async (c) => {
    const rows: { n: bigint }[] = await c.query(
      "SELECT COUNT(*) AS n FROM `LoginAttempt` WHERE email = ?",
      [email],
    );
    return Number(rows[0]?.n ?? 0);
  });
}
