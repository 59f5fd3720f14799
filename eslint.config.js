import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The house's walls (docs/architecture.md): which layer may import which. Each rule names the
// wall it keeps, so a violation explains itself.

/** The apps' own UI: one app's components never import another's; the page composes them. */
const FEATURES = ["auth", "drive", "images", "mapreduce", "pulse", "profile"];

const serverOnlyFromComponents = {
  group: ["@/lib/db/**", "@/lib/storage/**", "@/lib/log/**", "!@/lib/log/client"],
  message:
    "Components run in the browser too: reach the database, storage and logger through a feature's server action or route, never from components/.",
};

const inngestFromLib = {
  // The project's inngest/ folder, not the `inngest` package (inngest/node is fine).
  regex: "^(@/|(\\.\\./)+)inngest(/|$)",
  message:
    "lib/ never imports inngest/: the client and typed events live in lib/events, functions in inngest/ import lib/, not the other way round.",
};

const restricted = (...patterns) => ["error", { patterns }];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    // Playwright fixtures call their callback `use`, which is not React's hook.
    files: ["e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    files: ["lib/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": restricted(inngestFromLib) },
  },
  {
    files: ["components/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": restricted(serverOnlyFromComponents) },
  },
  ...FEATURES.map((feature) => ({
    files: [`components/${feature}/**/*.{ts,tsx}`],
    rules: {
      "no-restricted-imports": restricted(serverOnlyFromComponents, {
        group: FEATURES.filter((f) => f !== feature).flatMap((f) => [
          `@/components/${f}/**`,
          `../${f}/**`,
          `../../${f}/**`,
        ]),
        message: `components/${feature} is one app's UI: it never imports another app's components. Move what both need to components/shared (or components/ui), or compose the two in the page.`,
      }),
    },
  })),
  {
    // The Drive's tables belong to the Drive: other features read them through lib/drive/access,
    // and their tests seed and inspect rows through lib/drive/test-helpers.
    files: ["{app,lib,inngest,components,scripts,bench,e2e}/**/*.{ts,tsx}"],
    ignores: ["lib/drive/**", "bench/drive/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name=/^(db|tx)$/][property.name=/^(file|folder)$/]",
          message:
            "The Drive's tables are touched only by lib/drive: use lib/drive/access (liveFile, liveFiles, liveFolder, listLiveFiles…) or add what you need there.",
        },
      ],
    },
  },
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      ".next-test/**",
      ".next-*/**",
      ".data/**",
      "lib/generated/**",
      // The worker bundle (scripts/deploy/bundle-worker.mjs), compiled for the container image.
      "dist/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
