#!/usr/bin/env bash
# npm run up: from a fresh clone to Stratus serving on http://localhost:3000.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
PORT="${PORT:-3000}"
WEB_PID="$DATA/run/web.pid"
mkdir -p "$DATA/run"

# --instances N: N app servers behind nginx on :$PORT (scripts/deploy/instances.sh).
INSTANCES=1
while [ $# -gt 0 ]; do
  case "$1" in
    --instances) INSTANCES="${2:-}"; shift $(( $# > 1 ? 2 : 1 )) ;;
    --instances=*) INSTANCES="${1#*=}"; shift ;;
    *) die "unknown option $1 (usage: npm run up [-- --instances N])" ;;
  esac
done
[[ "$INSTANCES" =~ ^[1-9][0-9]?$ ]] || die "--instances wants a number from 1 to 99, not '$INSTANCES'"
source "$ROOT/scripts/deploy/instances.sh"

ensure_env_file
if [ -n "${DATABASE_URL:-}" ]; then
  log "DATABASE_URL is set: using that server, starting no local MariaDB"
else
  ensure_packages mariadbd:mariadb-server mariadb:mariadb-client
fi
ensure_mapreduce_sandbox
ensure_service_user
ensure_node_modules
bash "$ROOT/scripts/db-start.sh"
bash "$ROOT/scripts/s3-start.sh"
ensure_prisma_client
npx tsx scripts/migrate.ts || die "migration failed"

# Rebuild only when the sources changed since the last build.
src_hash="$( (git ls-files -co --exclude-standard 2>/dev/null | grep -vE '^(e2e|bench)/|\.test\.ts$' | sort | xargs -r sha256sum 2>/dev/null; cat lib/generated/.schema-hash) | sha256sum | cut -d' ' -f1)"
if [ ! -f .next/BUILD_ID ] || [ "$(cat "$DATA/build-hash" 2>/dev/null)" != "$src_hash" ]; then
  log "building (next build); output in $LOGS/build.log"
  ./node_modules/.bin/next build >"$LOGS/build.log" 2>&1 || { tail -40 "$LOGS/build.log" >&2; die "build failed"; }
  echo "$src_hash" >"$DATA/build-hash"
  restart=1
else
  log "build is up to date"
  restart=0
fi

# next start reads .env.local only when it starts: a changed setting needs a restart too.
configure_inngest_env
env_hash="$(sha256sum .env.local | cut -d' ' -f1)"
[ "$(cat "$DATA/env-hash" 2>/dev/null)" = "$env_hash" ] || restart=1
echo "$env_hash" >"$DATA/env-hash"

if [ "$INSTANCES" -gt 1 ]; then
  # The single server holds :$PORT, where nginx goes.
  if [ -f "$WEB_PID" ] && kill -0 "$(cat "$WEB_PID")" 2>/dev/null; then
    log "stopping the single web server: nginx takes :$PORT"
    kill "$(cat "$WEB_PID")" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$(cat "$WEB_PID")" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$WEB_PID"
  start_instances "$INSTANCES" "$restart"
else
  stop_instances 1
fi
if [ "$INSTANCES" -eq 1 ] && [ -f "$WEB_PID" ] && kill -0 "$(cat "$WEB_PID")" 2>/dev/null; then
  if [ "$restart" = 1 ]; then
    log "restarting the web server with the new build"
    old_pid="$(cat "$WEB_PID")"
    kill "$old_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$old_pid" 2>/dev/null || break; sleep 0.25; done
  fi
fi
if [ "$INSTANCES" -eq 1 ] && ! { [ -f "$WEB_PID" ] && kill -0 "$(cat "$WEB_PID")" 2>/dev/null; }; then
  service_user_prefix
  web_priority_prefix
  log "starting the web server on :$PORT${AS_SERVICE:+ as the user $SERVICE_USER}${WEB_PRIORITY:+ at nice ${WEB_PRIORITY[2]}}"
  # No proxy in front: it listens on every address and trusts no X-Forwarded-For entry.
  nohup "${WEB_PRIORITY[@]}" "${AS_SERVICE[@]}" ./node_modules/.bin/next start -p "$PORT" >"$LOGS/web.log" 2>&1 &
  echo $! >"$WEB_PID"
fi

bash "$ROOT/scripts/worker-start.sh" $( [ "$restart" = 1 ] && echo --restart )
# Pulse's listener sends to the worker's event API, so it starts after the worker.
bash "$ROOT/scripts/listener-start.sh" $( [ "$restart" = 1 ] && echo --restart )

for _ in $(seq 1 120); do
  code="$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$PORT/api/health" || true)"
  [ "$code" = 200 ] && break
  sleep 0.5
done
[ "$code" = 200 ] || { tail -30 "$LOGS/web.log" >&2; die "Stratus did not become healthy on :$PORT (see $LOGS/web.log)"; }

cat <<MSG

  Stratus is running.
    web        http://localhost:$PORT          $( [ "$INSTANCES" -gt 1 ] && echo "(nginx in front of $INSTANCES app servers on :$INSTANCE_BASE_PORT–:$((INSTANCE_BASE_PORT + INSTANCES - 1)); logs: .data/logs/web-<i>.log, nginx-access.log)" || echo "(log: .data/logs/web.log)")
    database   $( [ -n "${DATABASE_URL:-}" ] && echo "DATABASE_URL from your environment" || echo "MariaDB 127.0.0.1:$DB_PORT, datadir .data/mysql (log: .data/logs/mariadb.log)")
    storage    $(grep -q '^S3_EMBEDDED=true' .env.local && echo "local S3 store http://127.0.0.1:${S3_LOCAL_PORT:-4569}, data .data/s3 (log: .data/logs/s3.log)" || echo "S3_ENDPOINT from your settings")
    worker     event API http://127.0.0.1:${EXECUTOR_EVENT_PORT:-8288}, functions on 127.0.0.1:${WORKER_SERVE_PORT:-3288} (log: .data/logs/worker.log)
    listener   Pulse feeds → events (log: .data/logs/listener.log)
    health     http://localhost:$PORT/api/health
  Stop everything with: npm run down

MSG
