import mariadb from "mariadb";
import type { Pool, PoolConnection } from "mariadb";
import { parseDatabaseUrl } from "@/lib/db/migrate";

// The executor talks to MySQL with the plain driver, not Prisma: leasing needs
// SELECT … FOR UPDATE SKIP LOCKED inside explicit transactions. READ COMMITTED makes every
// statement see what other workers committed a moment ago (a concurrency count read under
// REPEATABLE READ would be stale and let two workers exceed a limit).

export type Db = Pool;
export type Tx = PoolConnection;

export function createDb(url: string, connectionLimit = 10): Db {
  const target = parseDatabaseUrl(url);
  return mariadb.createPool({
    ...target.config,
    connectionLimit,
    initSql: "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
  });
}

const ER_LOCK_DEADLOCK = 1213;
const ER_LOCK_WAIT_TIMEOUT = 1205;

function isRetriable(error: unknown): boolean {
  const errno = (error as { errno?: unknown }).errno;
  return errno === ER_LOCK_DEADLOCK || errno === ER_LOCK_WAIT_TIMEOUT;
}

/** One statement outside a transaction, tried again when InnoDB picked it as a deadlock victim. */
export async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt < 4 && isRetriable(error)) continue;
      throw error;
    }
  }
}

/** Runs `fn` in a transaction; InnoDB deadlocks roll back one side, which simply tries again. */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const conn = await db.getConnection();
    try {
      await conn.beginTransaction();
      const result = await fn(conn);
      await conn.commit();
      return result;
    } catch (error) {
      await conn.rollback().catch(() => undefined);
      if (attempt < 4 && isRetriable(error)) continue;
      throw error;
    } finally {
      await conn.release();
    }
  }
}
