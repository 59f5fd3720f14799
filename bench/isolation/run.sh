#!/usr/bin/env bash
# npm run bench:isolation — the noisy-neighbour bench (bench/isolation/run.ts; how to read it:
# docs/isolation-bench.md). Prepares what it needs: the MapReduce sandbox, MariaDB and the S3
# store (started unless they run), a database of its own (stratus_isobench, migrated; or
# BENCH_DATABASE_URL) and a production build in .next-bench (ISO_DIST_DIR), rebuilt only when the
# app's sources changed since the last one. The bench then starts its own worker and web server.
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"

ensure_env_file
ensure_mapreduce_sandbox
ensure_node_modules
bash "$ROOT/scripts/db-start.sh" >/dev/null
bash "$ROOT/scripts/s3-start.sh" >/dev/null
ensure_prisma_client
# The store's settings that s3-start.sh wrote, for the bench process and the servers it starts.
for v in S3_ENDPOINT S3_PUBLIC_ENDPOINT S3_BUCKET S3_REGION S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY \
  S3_FORCE_PATH_STYLE S3_PRESIGN_TTL_SECONDS S3_EMBEDDED; do export "$v=$(env_value "$v")"; done

if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  create_local_database stratus_isobench
  BENCH_DATABASE_URL="$(local_database_url stratus_isobench)"
fi
export BENCH_DATABASE_URL
npx tsx scripts/migrate.ts --url "$BENCH_DATABASE_URL" >/dev/null

# The build is the app's sources as they are in this clone (committed or not): a hash of them.
export ISO_DIST_DIR="${ISO_DIST_DIR:-.next-bench}"
SOURCES=(app components lib inngest types proxy.ts instrumentation.ts next.config.js
  postcss.config.js tsconfig.json package-lock.json prisma/schema.prisma)
stamp="$(git ls-files -co --exclude-standard -z -- "${SOURCES[@]}" | xargs -0 -r sha256sum \
  | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$ISO_DIST_DIR/.isobench-stamp" 2>/dev/null)" != "$stamp" ]; then
  log "building the app into $ISO_DIST_DIR (minutes on a loaded machine)"
  NEXT_DIST_DIR="$ISO_DIST_DIR" ./node_modules/.bin/next build >"$LOGS/isobench-build.log" 2>&1 \
    || { tail -30 "$LOGS/isobench-build.log" >&2; die "next build failed (see $LOGS/isobench-build.log)"; }
  echo "$stamp" >"$ISO_DIST_DIR/.isobench-stamp"
fi

# react-server: the app's `server-only` modules load outside Next, as in the worker.
exec node --conditions=react-server --import tsx bench/isolation/run.ts "$@"
