// Vitest globalSetup: brings the test database up to the latest migration once, before any test file runs.
import { migrate } from "../db/migrate";

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run tests with `npm test`");
  const { applied } = await migrate({ url });
  // Plain text for the person running the tests, not a structured log line.
  if (applied.length > 0)
    process.stdout.write(`[vitest] test database: ${applied.length} migration(s) applied\n`);
}
