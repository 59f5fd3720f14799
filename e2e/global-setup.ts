import { migrate } from "../lib/db/migrate";

// Brings the test database to the current schema before any test runs.
export default async function globalSetup() {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set: run tests with `npm test`");
  const { applied } = await migrate({ url });
  if (applied.length)
    console.log(`e2e: applied ${applied.length} migration(s) to the test database`);
}
