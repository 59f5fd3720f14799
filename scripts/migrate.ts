// `npm run db:migrate [-- --url mysql://...]`: applies pending prisma/migrations to the database.
import { parseArgs } from "node:util";
import nextEnv from "@next/env";
import { z } from "zod";
import { MigrateError, migrate } from "../lib/db/migrate";

// @next/env is a bundled CommonJS module whose named exports Node cannot see from ESM.
const { loadEnvConfig } = nextEnv;

const USAGE = "Usage: npm run db:migrate [-- --url mysql://user:password@host:port/database]";

const Args = z.object({
  url: z
    .string({
      error:
        "No database URL: pass --url or set DATABASE_URL (in .env.local, see `npm run db:start`).",
    })
    .trim()
    .min(1, "The database URL is empty."),
});

function parseCommandLine(argv: string[]): { url?: string; help: boolean } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { url: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    });
    return { url: values.url, help: values.help ?? false };
  } catch (error) {
    throw new MigrateError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
}

async function main(): Promise<void> {
  const cli = parseCommandLine(process.argv.slice(2));
  if (cli.help) {
    console.log(USAGE);
    return;
  }
  // Same files and precedence as Next.js; variables already in the environment win.
  loadEnvConfig(process.cwd(), undefined, { info: () => undefined, error: console.error });

  const args = Args.safeParse({ url: cli.url ?? process.env.DATABASE_URL });
  if (!args.success)
    throw new MigrateError(args.error.issues.map((issue) => issue.message).join("\n"));

  const { applied } = await migrate({ url: args.data.url, log: (line) => console.log(line) });
  if (applied.length === 0) console.log("Database is up to date");
  else console.log(`${applied.length} migration${applied.length === 1 ? "" : "s"} applied`);
}

main().catch((error: unknown) => {
  // Expected failures explain themselves; anything else is a bug and keeps its stack.
  console.error(error instanceof MigrateError ? `Error: ${error.message}` : error);
  process.exitCode = 1;
});
