import { defineConfig } from "prisma/config";

// The CLI is used only for `generate` here (see scripts/lib.sh); migrations are applied by
// `npm run db:migrate`, which writes Prisma's own `_prisma_migrations` records.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "mysql://unset@127.0.0.1:3306/unset" },
});
