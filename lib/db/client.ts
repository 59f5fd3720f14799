import "server-only";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { serverEnv } from "@/lib/env";

// The adapter reads DATABASE_URL when the first query connects, not at import: `next build`
// imports this module while collecting routes and must not need a database or its settings.
const lazyAdapter = {
  provider: "mysql" as const,
  adapterName: "@prisma/adapter-mariadb",
  connect: () => new PrismaMariaDb(serverEnv().DATABASE_URL).connect(),
};

function createClient() {
  return new PrismaClient({
    adapter: lazyAdapter,
    // Secrets are omitted from every query by default; the one place that needs a hash asks for it.
    omit: { user: { passwordHash: true }, shareLink: { passwordHash: true } },
  });
}

type Client = ReturnType<typeof createClient>;

// One client per process: Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { stratusPrisma?: Client };

export const db: Client = globalForPrisma.stratusPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.stratusPrisma = db;
