import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@/": root,
      // `server-only` throws outside a React Server environment; in tests we are the server.
      "server-only": fileURLToPath(new URL("./lib/testing/empty-module.ts", import.meta.url)),
    },
  },
  test: {
    include: ["{app,lib,components,inngest,scripts}/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./lib/testing/vitest-global-setup.ts"],
    // Integration tests share one MariaDB database; files run one at a time to keep them independent.
    fileParallelism: false,
    // Caps, not expectations: every test waits on states. Tests that start a worker process were
    // seen taking 30 s at load 25 on 2 cores (another Stratus and builds beside the suite).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: {
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? "",
      NEXTAUTH_SECRET: "vitest-only-secret-not-used-for-real-sessions",
    },
  },
});
