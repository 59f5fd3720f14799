// npm run bench:images (bench/images/run.sh installs and starts what it needs, then runs this).
// Settings come from .env.local as for the app; the database is the bench one (BENCH_DATABASE_URL,
// set by run.sh to the test database), where a throwaway user is created and removed.
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd());
if (process.env.BENCH_DATABASE_URL) process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL;

const { main } = await import("./bench");
await main();
process.exit(0);
