import "server-only";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { serverEnv } from "@/lib/env";

function createClient() {
  const adapter = new PrismaMariaDb(serverEnv().DATABASE_URL);
  // Secrets are omitted from every query by default; the one place that needs a hash asks for it.
  return new PrismaClient({
    adapter,
    omit: { user: { passwordHash: true }, shareLink: { passwordHash: true } },
  });
}

type Client = ReturnType<typeof createClient>;

// One client per process: Next's dev server reloads modules, so keep it on globalThis.
const globalForPrisma = globalThis as unknown as { stratusPrisma?: Client };

export const db: Client = globalForPrisma.stratusPrisma ?? createClient();
if (process.env.NODE_ENV !== "production") globalForPrisma.stratusPrisma = db;
