# Sourced by the benches that run the app itself (bench/isolation/run.sh, bench/web/run.sh):
# what they both need before they start their servers. After scripts/lib.sh.
#
# bench_app_stack DB_NAME DIST_DIR LOG_NAME
#   - the env file, node_modules, MariaDB and the S3 store (started unless they run), the Prisma
#     client, and the store's settings exported for the bench and the servers it starts;
#   - a database of the bench's own (DB_NAME, migrated), unless BENCH_DATABASE_URL names one;
#   - a production build of the app's sources as they are in this clone (committed or not) in
#     DIST_DIR, rebuilt only when they changed since the last build (a hash of them), its log in
#     $LOGS/LOG_NAME-build.log. The benches share one build (.next-bench) and one stamp file.
bench_app_stack() {
  local db_name="$1" dist_dir="$2" log_name="$3"
  ensure_env_file
  ensure_node_modules
  bash "$ROOT/scripts/db-start.sh" >/dev/null
  bash "$ROOT/scripts/s3-start.sh" >/dev/null
  ensure_prisma_client
  # The store's settings that s3-start.sh wrote, for the bench process and the servers it starts.
  local v
  for v in S3_ENDPOINT S3_PUBLIC_ENDPOINT S3_BUCKET S3_REGION S3_ACCESS_KEY_ID \
    S3_SECRET_ACCESS_KEY S3_FORCE_PATH_STYLE S3_PRESIGN_TTL_SECONDS S3_EMBEDDED; do
    export "$v=$(env_value "$v")"
  done

  if [ -z "${BENCH_DATABASE_URL:-}" ]; then
    create_local_database "$db_name"
    BENCH_DATABASE_URL="$(local_database_url "$db_name")"
  fi
  export BENCH_DATABASE_URL
  npx tsx scripts/migrate.ts --url "$BENCH_DATABASE_URL" >/dev/null

  local sources=(app components lib inngest types proxy.ts instrumentation.ts next.config.js
    postcss.config.js tsconfig.json package-lock.json prisma/schema.prisma)
  local stamp
  stamp="$(git ls-files -co --exclude-standard -z -- "${sources[@]}" | xargs -0 -r sha256sum \
    | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$dist_dir/.isobench-stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building the app into $dist_dir (minutes on a loaded machine)"
    NEXT_DIST_DIR="$dist_dir" ./node_modules/.bin/next build >"$LOGS/$log_name-build.log" 2>&1 \
      || { tail -30 "$LOGS/$log_name-build.log" >&2; die "next build failed (see $LOGS/$log_name-build.log)"; }
    echo "$stamp" >"$dist_dir/.isobench-stamp"
  fi
}
