import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checksumMatches,
  closeQuietly,
  connect,
  migrate,
  migrationChecksum,
  parseDatabaseUrl,
} from "./migrate";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

const Row = z.object({
  id: z.string(),
  checksum: z.string(),
  migration_name: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  rolled_back_at: z.string().nullable(),
  logs: z.string().nullable(),
  applied_steps_count: z.number(),
});

/** A database of its own per test: migration history is exactly what each test is about. */
async function createThrowawayDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("DATABASE_URL is not set: run tests with `npm test`");
  const name = `stratus_migrate_${randomBytes(6).toString("hex")}`;
  const admin = parseDatabaseUrl(base);
  const run = async (sql: string) => {
    const conn = await connect(admin);
    try {
      await conn.query(sql);
    } finally {
      await closeQuietly(conn);
    }
  };
  await run(`CREATE DATABASE \`${name}\``);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``) };
}

async function query(url: string, sql: string, values: unknown[] = []): Promise<unknown> {
  const conn = await connect(parseDatabaseUrl(url));
  try {
    return await conn.query(sql, values);
  } finally {
    await closeQuietly(conn);
  }
}

async function historyRows(url: string) {
  const rows = await query(
    url,
    "SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name",
  );
  return z.array(Row).parse(rows);
}

async function tableNames(url: string): Promise<string[]> {
  const rows = await query(
    url,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
  );
  return z
    .array(z.object({ name: z.string() }))
    .parse(rows)
    .map((row) => row.name)
    .sort();
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function localMigrationNames(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

let db: Awaited<ReturnType<typeof createThrowawayDatabase>>;
let tmp: string;
let migrationsCopy: string;

beforeEach(async () => {
  db = await createThrowawayDatabase();
  // Tests that edit migrations work on a copy: the real folder must stay byte-identical.
  tmp = await mkdtemp(path.join(os.tmpdir(), "stratus-migrate-"));
  migrationsCopy = path.join(tmp, "migrations");
  await cp(MIGRATIONS_DIR, migrationsCopy, { recursive: true });
});

afterEach(async () => {
  await db?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function addMigration(name: string, sql: string): Promise<string> {
  const file = path.join(migrationsCopy, name, "migration.sql");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, sql);
  return file;
}

describe("migrate", () => {
  it("applies every migration and records it the way Prisma does", async () => {
    const names = await localMigrationNames(MIGRATIONS_DIR);
    expect(names.length).toBeGreaterThan(0);
    const logged: string[] = [];

    const { applied } = await migrate({
      url: db.url,
      migrationsDir: MIGRATIONS_DIR,
      log: (line) => logged.push(line),
    });

    expect(applied).toEqual(names);
    expect(logged).toEqual(names.map((name) => `Applied migration ${name}`));
    const rows = await historyRows(db.url);
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const script = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(sha256(script));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(row.finished_at).not.toBeNull();
      expect(row.finished_at! >= row.started_at).toBe(true);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await tableNames(db.url)).toEqual(
      expect.arrayContaining(["User", "LoginAttempt", "_prisma_migrations"]),
    );
  });

  it("creates _prisma_migrations exactly as Prisma's schema engine does", async () => {
    await migrate({ url: db.url, migrationsDir: MIGRATIONS_DIR });
    const columns = await query(
      db.url,
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def,
              COLLATION_NAME AS collation, COLUMN_KEY AS \`key\`
         FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '_prisma_migrations' ORDER BY ORDINAL_POSITION`,
    );
    expect(columns).toEqual([
      {
        name: "id",
        type: "varchar(36)",
        nullable: "NO",
        def: null,
        collation: "utf8mb4_unicode_ci",
        key: "PRI",
      },
      {
        name: "checksum",
        type: "varchar(64)",
        nullable: "NO",
        def: null,
        collation: "utf8mb4_unicode_ci",
        key: "",
      },
      {
        name: "finished_at",
        type: "datetime(3)",
        nullable: "YES",
        def: "NULL",
        collation: null,
        key: "",
      },
      {
        name: "migration_name",
        type: "varchar(255)",
        nullable: "NO",
        def: null,
        collation: "utf8mb4_unicode_ci",
        key: "",
      },
      {
        name: "logs",
        type: "text",
        nullable: "YES",
        def: "NULL",
        collation: "utf8mb4_unicode_ci",
        key: "",
      },
      {
        name: "rolled_back_at",
        type: "datetime(3)",
        nullable: "YES",
        def: "NULL",
        collation: null,
        key: "",
      },
      {
        name: "started_at",
        type: "datetime(3)",
        nullable: "NO",
        def: "current_timestamp(3)",
        collation: null,
        key: "",
      },
      {
        name: "applied_steps_count",
        type: "int(10) unsigned",
        nullable: "NO",
        def: "0",
        collation: null,
        key: "",
      },
    ]);
  });

  it("applies nothing the second time", async () => {
    await migrate({ url: db.url, migrationsDir: MIGRATIONS_DIR });
    const before = await historyRows(db.url);

    const { applied } = await migrate({ url: db.url, migrationsDir: MIGRATIONS_DIR });

    expect(applied).toEqual([]);
    expect(await historyRows(db.url)).toEqual(before);
  });

  it("applies only the migrations added since the last run, in name order", async () => {
    await migrate({ url: db.url, migrationsDir: migrationsCopy });
    await addMigration(
      "29990102000000_second",
      "CREATE TABLE `Second` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
    );
    await addMigration(
      "29990101000000_first",
      "CREATE TABLE `First` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
    );

    const { applied } = await migrate({ url: db.url, migrationsDir: migrationsCopy });

    expect(applied).toEqual(["29990101000000_first", "29990102000000_second"]);
  });

  it("refuses to run when an applied migration was edited, and names it", async () => {
    await migrate({ url: db.url, migrationsDir: migrationsCopy });
    const [first] = await localMigrationNames(migrationsCopy);
    const file = path.join(migrationsCopy, first!, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited after it was applied\n`);
    await addMigration(
      "29990101000000_pending",
      "CREATE TABLE `Pending` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
    );

    await expect(migrate({ url: db.url, migrationsDir: migrationsCopy })).rejects.toThrow(
      new RegExp(`Migration ${first} was modified after it was applied`),
    );
    // Refusing means refusing everything: the pending migration was not applied either.
    expect(await tableNames(db.url)).not.toContain("Pending");
  });

  it("accepts an applied migration whose line endings git converted to CRLF, as Prisma does", async () => {
    await migrate({ url: db.url, migrationsDir: migrationsCopy });
    const [first] = await localMigrationNames(migrationsCopy);
    const file = path.join(migrationsCopy, first!, "migration.sql");
    await writeFile(file, (await readFile(file, "utf8")).replaceAll("\n", "\r\n"));

    await expect(migrate({ url: db.url, migrationsDir: migrationsCopy })).resolves.toEqual({
      applied: [],
    });
  });

  it("refuses to run when an applied migration's folder is missing", async () => {
    await addMigration(
      "29990101000000_gone",
      "CREATE TABLE `Gone` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
    );
    await migrate({ url: db.url, migrationsDir: migrationsCopy });
    await rm(path.join(migrationsCopy, "29990101000000_gone"), { recursive: true });

    await expect(migrate({ url: db.url, migrationsDir: migrationsCopy })).rejects.toThrow(
      /Migration 29990101000000_gone is recorded as applied, but its folder is missing/,
    );
  });

  it("records a failed migration, refuses further runs, and resumes once it is marked rolled back", async () => {
    const broken = await addMigration(
      "29990101000000_broken",
      "CREATE TABLE `HalfDone` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\nTHIS IS NOT SQL;\n",
    );

    await expect(migrate({ url: db.url, migrationsDir: migrationsCopy })).rejects.toThrow(
      /Migration 29990101000000_broken failed: ER_PARSE_ERROR \(1064\)/,
    );
    const failed = (await historyRows(db.url)).find(
      (row) => row.migration_name === "29990101000000_broken",
    );
    expect(failed).toMatchObject({
      finished_at: null,
      rolled_back_at: null,
      applied_steps_count: 0,
    });
    expect(failed?.logs).toMatch(/ER_PARSE_ERROR \(1064\): You have an error in your SQL syntax/);
    expect(failed?.checksum).toBe(migrationChecksum(await readFile(broken)));
    // MySQL cannot roll back DDL: the statement before the bad one stays applied.
    expect(await tableNames(db.url)).toContain("HalfDone");

    // Even with the script fixed, a failed migration blocks every run until someone looks at it.
    await writeFile(
      broken,
      "CREATE TABLE `HalfDone` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
    );
    await expect(migrate({ url: db.url, migrationsDir: migrationsCopy })).rejects.toThrow(
      /Refusing to migrate[\s\S]*Migration 29990101000000_broken started at .* UTC and failed/,
    );

    // The documented way out: repair the database, mark the attempt rolled back, run again.
    await query(db.url, "DROP TABLE `HalfDone`");
    await query(
      db.url,
      "UPDATE _prisma_migrations SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id = ?",
      [failed!.id],
    );
    await expect(migrate({ url: db.url, migrationsDir: migrationsCopy })).resolves.toEqual({
      applied: ["29990101000000_broken"],
    });
    const attempts = (await historyRows(db.url)).filter(
      (row) => row.migration_name === "29990101000000_broken",
    );
    expect(attempts).toHaveLength(2);
    expect(
      attempts.filter((row) => row.finished_at !== null && row.rolled_back_at === null),
    ).toHaveLength(1);
  });

  it("applies each migration once when two processes migrate at the same time", async () => {
    // A slow migration holds the lock long enough for the second caller to really wait on it.
    await addMigration(
      "29990101000000_slow",
      "DO SLEEP(1);\nCREATE TABLE `Slow` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`));\n",
    );
    const names = await localMigrationNames(migrationsCopy);
    const logs: string[] = [];

    const results = await Promise.all(
      [1, 2].map((n) =>
        migrate({
          url: db.url,
          migrationsDir: migrationsCopy,
          log: (line) => logs.push(`${n}: ${line}`),
        }),
      ),
    );

    expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
    expect(results.some((result) => result.applied.length === 0)).toBe(true);
    expect(logs.some((line) => line.includes("waiting for it to finish"))).toBe(true);
    const rows = await historyRows(db.url);
    expect(rows.map((row) => row.migration_name).sort()).toEqual(names);
  });

  it("explains a bad URL without revealing the password", async () => {
    await expect(migrate({ url: "postgres://app:s3cret@localhost/db" })).rejects.toThrow(
      /The database URL has protocol "postgres:", expected "mysql:"/,
    );
    await expect(migrate({ url: "mysql://app:s3cret@localhost:1/" })).rejects.toThrow(
      /names no database/,
    );
    const unreachable = migrate({
      url: "mysql://app:s3cret@127.0.0.1:1/db",
      migrationsDir: MIGRATIONS_DIR,
    });
    await expect(unreachable).rejects.toThrow(
      /^Cannot connect to mysql:\/\/app@127\.0\.0\.1:1\/db: /,
    );
    await expect(unreachable).rejects.not.toThrow(/s3cret/);
  });
});

describe("checksums", () => {
  it("are lowercase, zero-padded hex SHA-256 of the file bytes (Prisma's own test vector)", () => {
    expect(migrationChecksum("hello")).toBe(
      "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    );
  });

  it("match across LF/CRLF and the legacy unpadded format, and nothing else", () => {
    const lf = Buffer.from("CREATE TABLE a (id INT);\nCREATE TABLE b (id INT);\n");
    const crlf = Buffer.from(lf.toString().replaceAll("\n", "\r\n"));
    const unpadded = [...createHash("sha256").update(lf).digest()]
      .map((byte) => byte.toString(16))
      .join("");
    expect(checksumMatches(lf, migrationChecksum(lf))).toBe(true);
    expect(checksumMatches(crlf, migrationChecksum(lf))).toBe(true);
    expect(checksumMatches(lf, migrationChecksum(crlf))).toBe(true);
    expect(unpadded.length).toBeLessThan(64);
    expect(checksumMatches(lf, unpadded)).toBe(true);
    expect(checksumMatches(Buffer.from("abc\n"), migrationChecksum("abc"))).toBe(false);
  });
});
