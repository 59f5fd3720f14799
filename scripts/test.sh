#!/usr/bin/env bash
# npm test: lint, typecheck, unit + integration (vitest) and end-to-end (Playwright) tests.
# Works on a fresh clone: installs and starts what the tests need, against the `stratus_test` database.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

ensure_env_file
# The emoji font is there so that e2e/fonts.spec.ts checks text is never drawn with it.
pkgs=(chromium:chromium /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf:fonts-noto-color-emoji)
[ -z "${TEST_DATABASE_URL:-}" ] && pkgs+=(mariadbd:mariadb-server mariadb:mariadb-client)
ensure_packages "${pkgs[@]}"
ensure_mapreduce_sandbox
ensure_node_modules
choose_test_ports
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  start_local_db
  create_local_database stratus_test
  TEST_DATABASE_URL="$(local_database_url stratus_test)"
fi
export TEST_DATABASE_URL
bash "$ROOT/scripts/s3-start.sh"
# The storage settings that s3-start.sh wrote, for vitest: Next's env loader skips .env.local
# when NODE_ENV=test. Empty values count as unset.
for v in S3_ENDPOINT S3_PUBLIC_ENDPOINT S3_BUCKET S3_REGION S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY \
  S3_FORCE_PATH_STYLE S3_PRESIGN_TTL_SECONDS S3_EMBEDDED; do export "$v=$(env_value "$v")"; done
ensure_prisma_client

REPORTS="$DATA/test-reports"
rm -rf "$REPORTS"; mkdir -p "$REPORTS"
status=0
step() { log "$1"; shift; "$@" || { status=1; log "FAILED: $*"; }; }

step "lint" npx eslint . --max-warnings=0
step "format" npx prettier --check . --log-level=warn
step "typecheck" bash -c "npx next typegen >/dev/null && npx tsc --noEmit"
step "unit and integration tests (vitest)" \
  npx vitest run --reporter=default --reporter=json --outputFile.json="$REPORTS/vitest.json"
# The e2e server builds into its own folder so a running `npm run up` server is untouched.
export NEXT_DIST_DIR=.next-test
step "build for end-to-end tests" ./node_modules/.bin/next build
step "end-to-end tests (Playwright, Chromium)" npx playwright test

# One closing line that sums both runners.
node - "$REPORTS" <<'JS'
const fs = require("node:fs");
const dir = process.argv[2];
let passed = 0, failed = 0, skipped = 0;
try {
  const v = JSON.parse(fs.readFileSync(`${dir}/vitest.json`, "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests; skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} catch { failed += 1; console.log("vitest wrote no report"); }
try {
  const s = JSON.parse(fs.readFileSync(`${dir}/playwright.json`, "utf8")).stats;
  passed += s.expected + (s.flaky ?? 0); failed += s.unexpected; skipped += s.skipped;
} catch { failed += 1; console.log("playwright wrote no report"); }
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
JS
exit $status
