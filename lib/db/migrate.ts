// Applies prisma/migrations/*/migration.sql the way `prisma migrate deploy` does, without Prisma's schema
// engine (it is a native binary that cannot be installed here). The bookkeeping table is Prisma's own
// `_prisma_migrations`, byte for byte, so the Prisma CLI can take over this database whenever it is available.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import mariadb from "mariadb";
import type { Connection, ConnectionConfig } from "mariadb";
import { MigrationError, Umzug } from "umzug";
import type { UmzugStorage } from "umzug";
import { z } from "zod";

export type MigrateOptions = {
  /** `mysql://user:password@host:port/database` (Prisma's format; `mariadb://` works too). */
  url: string;
  /** Defaults to `<cwd>/prisma/migrations`: the CLI, tests and `next start` all run from the project root. */
  migrationsDir?: string;
  log?: (line: string) => void;
  /** How long to wait for another process that is migrating the same database. */
  lockTimeoutSeconds?: number;
};

/** An error whose message is the whole story: callers print it without a stack trace. */
export class MigrateError extends Error {
  override name = "MigrateError";
}

const MIGRATIONS_TABLE = "_prisma_migrations";

// Exactly the statement Prisma's schema engine runs on MySQL/MariaDB, plus IF NOT EXISTS.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

// ---------------------------------------------------------------------------------------------------------
// Connection URL

export type DatabaseTarget = {
  config: ConnectionConfig;
  database: string;
  /** The URL without its password, for messages and logs. */
  display: string;
};

const DatabaseUrl = z.string().transform((value, ctx): DatabaseTarget => {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    ctx.addIssue({
      code: "custom",
      message: "is not a URL (expected mysql://user:password@host:port/database)",
    });
    return z.NEVER;
  }
  if (url.protocol !== "mysql:" && url.protocol !== "mariadb:") {
    ctx.addIssue({ code: "custom", message: `has protocol "${url.protocol}", expected "mysql:"` });
    return z.NEVER;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) {
    ctx.addIssue({
      code: "custom",
      message: "names no database (expected mysql://user:password@host:port/database)",
    });
    return z.NEVER;
  }
  const port = url.port ? Number(url.port) : 3306;
  const socketPath = url.searchParams.get("socket") ?? undefined;
  const connectTimeoutSeconds = Number(url.searchParams.get("connect_timeout") ?? "10");
  const user = decodeURIComponent(url.username);
  const display = `${url.protocol}//${user ? `${user}@` : ""}${url.host}/${database}`;
  return {
    database,
    display,
    config: {
      host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port,
      socketPath,
      user: user || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database,
      connectTimeout: Number.isFinite(connectTimeoutSeconds)
        ? connectTimeoutSeconds * 1000
        : 10_000,
      // information_schema and GET_LOCK return BIGINTs; none of ours come near 2^53.
      bigIntAsNumber: true,
      insertIdAsNumber: true,
      // DATETIME(3) columns hold UTC (as Prisma writes them); strings avoid a local-time reinterpretation.
      dateStrings: true,
    },
  };
});

/** Parses a Prisma-style MySQL URL into mariadb connection options. Throws MigrateError without echoing the password. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const parsed = DatabaseUrl.safeParse(url);
  if (!parsed.success) {
    throw new MigrateError(
      `The database URL ${parsed.error.issues.map((issue) => issue.message).join("; ")}.`,
    );
  }
  return parsed.data;
}

export async function connect(
  target: DatabaseTarget,
  extra: Partial<ConnectionConfig> = {},
): Promise<Connection> {
  try {
    return await mariadb.createConnection({ ...target.config, ...extra });
  } catch (error) {
    throw new MigrateError(`Cannot connect to ${target.display}: ${describeDbError(error)}`);
  }
}

/** Closes a connection whatever state it is in; a broken socket must not hide the original error. */
export async function closeQuietly(conn: Connection): Promise<void> {
  try {
    await conn.end();
  } catch {
    conn.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Checksums (Prisma's schema-engine `checksum.rs`)

/** Lowercase hex SHA-256 of the migration.sql bytes: what Prisma stores in `_prisma_migrations.checksum`. */
export function migrationChecksum(script: Buffer | string): string {
  return createHash("sha256").update(script).digest("hex");
}

/**
 * Prisma accepts a script whose line endings git converted (LF <-> CRLF), and checksums written by old
 * engines that dropped the leading zero of each byte; so do we, or a checkout on Windows would refuse to deploy.
 */
export function checksumMatches(script: Buffer, recorded: string): boolean {
  const text = script.toString("utf8");
  const candidates = [
    script,
    Buffer.from(text.replaceAll("\r\n", "\n")),
    Buffer.from(text.replaceAll("\n", "\r\n")),
  ];
  const legacy = recorded.length !== 0 && recorded.length !== 64;
  return candidates.some((candidate) => {
    const digest = createHash("sha256").update(candidate).digest();
    const rendered = legacy
      ? [...digest].map((byte) => byte.toString(16)).join("")
      : digest.toString("hex");
    return rendered === recorded;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The migrations folder

export type LocalMigration = { name: string; sqlPath: string; script: Buffer; checksum: string };

export function defaultMigrationsDir(): string {
  return path.join(process.cwd(), "prisma", "migrations");
}

/** The folders of the migrations directory, sorted by name like Prisma does. */
export async function readLocalMigrations(dir: string): Promise<LocalMigration[]> {
  if (!existsSync(dir)) throw new MigrateError(`The migrations directory ${dir} does not exist.`);
  await checkLockFile(dir);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sqlPath = path.join(dir, name, "migration.sql");
      let script: Buffer;
      try {
        script = await readFile(sqlPath);
      } catch {
        throw new MigrateError(
          `Migration folder ${path.join(dir, name)} has no readable migration.sql.`,
        );
      }
      return { name, sqlPath, script, checksum: migrationChecksum(script) };
    }),
  );
}

// Prisma refuses to deploy migrations written for another provider; a Postgres folder would fail halfway.
async function checkLockFile(dir: string): Promise<void> {
  const lockPath = path.join(dir, "migration_lock.toml");
  if (!existsSync(lockPath)) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(await readFile(lockPath, "utf8"))?.[1];
  if (provider !== undefined && provider !== "mysql") {
    throw new MigrateError(
      `${lockPath} says provider = "${provider}", but this database is MySQL/MariaDB.`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------
// The `_prisma_migrations` table as umzug storage

const MigrationRow = z.object({
  id: z.string(),
  checksum: z.string(),
  migration_name: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  rolled_back_at: z.string().nullable(),
  logs: z.string().nullable(),
});
export type MigrationRow = z.infer<typeof MigrationRow>;

type Context = Record<string, never>;

/**
 * One row per attempt, as Prisma writes them: inserted when a migration starts, finished_at set when it
 * succeeds, logs set when it fails. Umzug only knows "executed" and "log it"; `start` and `fail` cover the
 * states Prisma needs between the two.
 */
export class PrismaMigrationsStorage implements UmzugStorage<Context> {
  private readonly started = new Map<string, string>();

  constructor(private readonly conn: Connection) {}

  async ensureTable(): Promise<void> {
    await this.conn.query(CREATE_MIGRATIONS_TABLE);
  }

  async rows(): Promise<MigrationRow[]> {
    const rows: unknown = await this.conn.query(
      `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs
         FROM ${MIGRATIONS_TABLE} ORDER BY started_at, migration_name`,
    );
    return z.array(MigrationRow).parse(rows);
  }

  async executed(): Promise<string[]> {
    return appliedNames(await this.rows());
  }

  async start(migration: LocalMigration): Promise<void> {
    const id = randomUUID();
    // UTC like Prisma's engine (chrono::Utc::now()), whatever the server's time zone.
    await this.conn.query(
      `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES (?, ?, ?, UTC_TIMESTAMP(3), 0)`,
      [id, migration.checksum, migration.name],
    );
    this.started.set(migration.name, id);
  }

  async fail(name: string, logs: string): Promise<void> {
    const id = this.started.get(name);
    if (id === undefined) return;
    await this.conn.query(`UPDATE ${MIGRATIONS_TABLE} SET logs = ? WHERE id = ?`, [logs, id]);
  }

  async logMigration({ name }: { name: string }): Promise<void> {
    const id = this.started.get(name);
    if (id === undefined) throw new Error(`Migration ${name} was logged without being started.`);
    await this.conn.query(
      `UPDATE ${MIGRATIONS_TABLE} SET finished_at = UTC_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?`,
      [id],
    );
    this.started.delete(name);
  }

  // What `prisma migrate resolve --rolled-back` does; migrate() never reverts anything itself.
  async unlogMigration({ name }: { name: string }): Promise<void> {
    await this.conn.query(
      `UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = UTC_TIMESTAMP(3)
        WHERE migration_name = ? AND rolled_back_at IS NULL`,
      [name],
    );
  }
}

const isLive = (row: MigrationRow) => row.rolled_back_at === null;
const isFailed = (row: MigrationRow) => isLive(row) && row.finished_at === null;
const isApplied = (row: MigrationRow) => isLive(row) && row.finished_at !== null;

function appliedNames(rows: MigrationRow[]): string[] {
  return [...new Set(rows.filter(isApplied).map((row) => row.migration_name))];
}

/** Everything that makes `prisma migrate deploy`-style deployment unsafe, as readable sentences. */
export function historyProblems(
  local: LocalMigration[],
  rows: MigrationRow[],
  dir: string,
): string[] {
  const problems: string[] = [];
  const byName = new Map(local.map((migration) => [migration.name, migration]));

  for (const row of rows.filter(isFailed)) {
    problems.push(
      `Migration ${row.migration_name} started at ${row.started_at} UTC and failed` +
        (row.logs ? `:\n      ${row.logs.replaceAll("\n", "\n      ")}` : ".") +
        `\n    Repair the database by hand (finish or undo what the migration did), then mark the attempt rolled back:\n` +
        `      UPDATE ${MIGRATIONS_TABLE} SET rolled_back_at = UTC_TIMESTAMP(3) WHERE id = '${row.id}';`,
    );
  }

  for (const name of appliedNames(rows)) {
    const migration = byName.get(name);
    if (migration === undefined) {
      problems.push(
        `Migration ${name} is recorded as applied, but its folder is missing from ${dir}.`,
      );
      continue;
    }
    const recorded = rows.filter((row) => row.migration_name === name && isApplied(row));
    if (!recorded.some((row) => checksumMatches(migration.script, row.checksum))) {
      problems.push(
        `Migration ${name} was modified after it was applied: ${migration.sqlPath} no longer matches the checksum ` +
          `recorded in ${MIGRATIONS_TABLE}. Restore the original file and put the change in a new migration.`,
      );
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------
// Errors from the driver

const DbError = z.object({
  code: z.string().nullish(),
  errno: z.number().nullish(),
  sqlMessage: z.string().nullish(),
  message: z.string(),
});

/** The server's own words (code, number, message) without the driver's echo of the whole script. */
export function describeDbError(error: unknown): string {
  const parsed = DbError.safeParse(error);
  if (!parsed.success) return String(error);
  const { code, errno, sqlMessage, message } = parsed.data;
  if (!sqlMessage) return message;
  return `${code ?? "ERROR"}${errno ? ` (${errno})` : ""}: ${sqlMessage}`;
}

const ER_EMPTY_QUERY = 1065;

// ---------------------------------------------------------------------------------------------------------
// Locking

// GET_LOCK names are server-wide and at most 64 characters; one lock per database keeps unrelated
// databases (dev, test, throwaway ones) from waiting on each other.
function lockName(database: string): string {
  const name = `stratus_migrate:${database}`;
  return name.length <= 64 ? name : `stratus_migrate:${migrationChecksum(database).slice(0, 40)}`;
}

async function getLock(conn: Connection, name: string, timeoutSeconds: number): Promise<boolean> {
  const rows: unknown = await conn.query("SELECT GET_LOCK(?, ?) AS locked", [name, timeoutSeconds]);
  const [row] = z.array(z.object({ locked: z.number().nullable() })).parse(rows);
  return row?.locked === 1;
}

async function withNamedLock<T>(
  conn: Connection,
  target: DatabaseTarget,
  timeoutSeconds: number,
  log: (line: string) => void,
  run: () => Promise<T>,
): Promise<T> {
  const name = lockName(target.database);
  if (!(await getLock(conn, name, 0))) {
    log(`Another process is migrating ${target.display}; waiting for it to finish...`);
    if (!(await getLock(conn, name, timeoutSeconds))) {
      throw new MigrateError(
        `Gave up after ${timeoutSeconds}s waiting for the migration lock "${name}" on ${target.display}: another process is still migrating it.`,
      );
    }
  }
  try {
    return await run();
  } finally {
    // Closing the connection releases the lock too; releasing first frees waiters without waiting for the close.
    await conn.query("DO RELEASE_LOCK(?)", [name]).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------------

export async function migrate(opts: MigrateOptions): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => undefined);
  const dir = path.resolve(opts.migrationsDir ?? defaultMigrationsDir());
  const target = parseDatabaseUrl(opts.url);
  const local = await readLocalMigrations(dir);

  // multipleStatements: a migration.sql is a script of many statements, sent as one like Prisma does.
  const conn = await connect(target, { multipleStatements: true });
  try {
    return await withNamedLock(conn, target, opts.lockTimeoutSeconds ?? 300, log, async () => {
      const storage = new PrismaMigrationsStorage(conn);
      await storage.ensureTable();
      // Read under the lock: whatever another process applied while we waited counts as applied.
      const problems = historyProblems(local, await storage.rows(), dir);
      if (problems.length > 0) {
        throw new MigrateError(
          `Refusing to migrate ${target.display}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
        );
      }
      return { applied: await applyPending(conn, storage, local, log) };
    });
  } finally {
    await closeQuietly(conn);
  }
}

async function applyPending(
  conn: Connection,
  storage: PrismaMigrationsStorage,
  local: LocalMigration[],
  log: (line: string) => void,
): Promise<string[]> {
  const umzug = new Umzug<Context>({
    migrations: local.map((migration) => ({
      name: migration.name,
      path: migration.sqlPath,
      up: async () => {
        await storage.start(migration);
        try {
          await conn.query(migration.script.toString("utf8"));
        } catch (error) {
          // A script of only comments is a valid (empty) migration for Prisma.
          if (DbError.safeParse(error).data?.errno === ER_EMPTY_QUERY) return;
          // If the connection itself died, the row keeps finished_at NULL: still recorded as failed.
          await storage.fail(migration.name, describeDbError(error)).catch(() => undefined);
          throw error;
        }
      },
    })),
    storage,
    context: {},
    logger: undefined,
  });
  umzug.on("migrated", ({ name }) => log(`Applied migration ${name}`));

  try {
    const executed = await umzug.up();
    return executed.map((migration) => migration.name);
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    throw new MigrateError(
      `Migration ${error.migration.name} failed: ${describeDbError(error.cause)}\n` +
        `It is recorded as failed in ${MIGRATIONS_TABLE}, and the statements before the failing one stay applied ` +
        `(MySQL cannot roll back DDL). Further runs refuse to migrate until it is resolved.`,
    );
  }
}
