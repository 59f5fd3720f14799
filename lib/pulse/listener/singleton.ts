import { createHash } from "node:crypto";
import type { Connection } from "mariadb";
import { closeQuietly, connect, parseDatabaseUrl } from "@/lib/db/migrate";

// One listener per database. A second one would open every source twice — X refuses a second
// stream per app, Jetstream posts would be sent twice and the shared cursor written by both — so
// listeners take a MariaDB named lock (GET_LOCK) on a connection of their own and stand by until
// it is free. The lock goes with the connection, so a killed listener's lock frees at once.

export type ListenerLock = {
  // Resolves if the lock's connection breaks: another listener may take over, so stop.
  lost: Promise<string>;
  release(): Promise<void>;
};

function lockName(database: string): string {
  const name = `stratus_pulse_listener:${database}`;
  return name.length <= 64
    ? name
    : `stratus_pulse_listener:${createHash("sha256").update(database).digest("hex").slice(0, 32)}`;
}

export async function acquireListenerLock(
  databaseUrl: string,
  options: { log: (line: string) => void; signal?: AbortSignal },
): Promise<ListenerLock | null> {
  const target = parseDatabaseUrl(databaseUrl);
  const name = lockName(target.database);
  const conn: Connection = await connect(target);
  let waiting = false;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        await closeQuietly(conn);
        return null;
      }
      const [row] = (await conn.query("SELECT GET_LOCK(?, 2) AS got", [name])) as {
        got: number | bigint | null;
      }[];
      if (Number(row?.got) === 1) break;
      if (!waiting) {
        options.log("another listener is running against this database; standing by");
        waiting = true;
      }
    }
  } catch (error) {
    await closeQuietly(conn);
    throw error;
  }
  if (waiting) options.log("the other listener is gone; taking over");

  let released = false;
  const lost = new Promise<string>((resolve) => {
    // A quiet connection could be closed by wait_timeout: keep it busy.
    const ping = setInterval(() => {
      conn.ping().catch((error: Error) => {
        clearInterval(ping);
        if (!released) resolve(`the lock's connection failed: ${error.message}`);
      });
    }, 30_000);
    conn.on("error", (error: Error) => {
      clearInterval(ping);
      if (!released) resolve(`the lock's connection failed: ${error.message}`);
    });
    conn.on("end", () => {
      clearInterval(ping);
      if (!released) resolve("the lock's connection closed");
    });
  });
  return {
    lost,
    async release() {
      released = true;
      await conn.query("SELECT RELEASE_LOCK(?)", [name]).catch(() => undefined);
      await closeQuietly(conn);
    },
  };
}
