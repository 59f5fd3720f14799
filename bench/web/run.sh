#!/usr/bin/env bash
# npm run bench:web — the web tier under 16 signed-in users: one app server, alone and behind
# nginx, beside three servers behind nginx (bench/web/run.ts; how to read it: docs/web-bench.md).
# Prepares what it needs as bench:isolation does: MariaDB, the S3 store, nginx (apt), a database
# of its own (stratus_webbench, or BENCH_DATABASE_URL) and the production build that
# bench:isolation uses (.next-bench, rebuilt only when the app's sources changed).
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"

ensure_env_file
ensure_node_modules
ensure_packages nginx:nginx
# Debian's package starts a system-wide nginx on :80; the bench runs its own.
if command -v service >/dev/null 2>&1; then service nginx stop >/dev/null 2>&1 || true; fi
bash "$ROOT/scripts/db-start.sh" >/dev/null
bash "$ROOT/scripts/s3-start.sh" >/dev/null
ensure_prisma_client
for v in S3_ENDPOINT S3_PUBLIC_ENDPOINT S3_BUCKET S3_REGION S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY \
  S3_FORCE_PATH_STYLE S3_PRESIGN_TTL_SECONDS S3_EMBEDDED; do export "$v=$(env_value "$v")"; done

if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  create_local_database stratus_webbench
  BENCH_DATABASE_URL="$(local_database_url stratus_webbench)"
fi
export BENCH_DATABASE_URL
npx tsx scripts/migrate.ts --url "$BENCH_DATABASE_URL" >/dev/null

# The same build and stamp as bench/isolation/run.sh: one build serves both benches.
export WEB_DIST_DIR="${WEB_DIST_DIR:-.next-bench}"
SOURCES=(app components lib inngest types proxy.ts instrumentation.ts next.config.js
  postcss.config.js tsconfig.json package-lock.json prisma/schema.prisma)
stamp="$(git ls-files -co --exclude-standard -z -- "${SOURCES[@]}" | xargs -0 -r sha256sum \
  | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$WEB_DIST_DIR/.isobench-stamp" 2>/dev/null)" != "$stamp" ]; then
  log "building the app into $WEB_DIST_DIR (minutes on a loaded machine)"
  NEXT_DIST_DIR="$WEB_DIST_DIR" ./node_modules/.bin/next build >"$LOGS/webbench-build.log" 2>&1 \
    || { tail -30 "$LOGS/webbench-build.log" >&2; die "next build failed (see $LOGS/webbench-build.log)"; }
  echo "$stamp" >"$WEB_DIST_DIR/.isobench-stamp"
fi

exec node --conditions=react-server --import tsx bench/web/run.ts "$@"
