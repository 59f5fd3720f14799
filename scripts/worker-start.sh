#!/usr/bin/env bash
# Starts the job worker (scripts/worker.ts: the functions' serve endpoint and, unless
# INNGEST_EXECUTOR=external, the local executor) in the background, and points the app's Inngest
# client at the local executor (ensure_env_file makes the keys). A second run reuses the running
# worker; a changed .env.local, or --restart (the code changed), restarts it.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_env_file

WORKER_PID="$DATA/run/worker.pid"
ENV_FILE="$ROOT/.env.local"
mkdir -p "$DATA/run"

configure_inngest_env
EVENT_PORT="$(env_value EXECUTOR_EVENT_PORT)"; EVENT_PORT="${EVENT_PORT:-8288}"
SERVE_PORT="$(env_value WORKER_SERVE_PORT)"; SERVE_PORT="${SERVE_PORT:-3288}"
LOCAL_URL="http://127.0.0.1:$EVENT_PORT"
executor="$(env_value INNGEST_EXECUTOR)"; executor="${executor:-local}"
[ "$executor" = local ] \
  || log "INNGEST_EXECUTOR=$executor: an Inngest server drives the functions; starting the serve endpoint only"

worker_running() {
  [ -f "$WORKER_PID" ] && kill -0 "$(cat "$WORKER_PID")" 2>/dev/null \
    && grep -q "scripts/worker.ts" "/proc/$(cat "$WORKER_PID")/cmdline" 2>/dev/null
}
probe() {
  if [ "$executor" = local ]; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$LOCAL_URL/health" || true
  else
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$SERVE_PORT/api/inngest" || true
  fi
}

# The worker reads .env.local when it starts: a changed setting needs a restart.
env_hash="$(sha256sum "$ENV_FILE" | cut -d' ' -f1)"
if worker_running && { [ "${1:-}" = --restart ] || [ "$(cat "$DATA/worker-env-hash" 2>/dev/null)" != "$env_hash" ]; }; then
  log "restarting the job worker"
  old="$(cat "$WORKER_PID")"
  kill -TERM "$old" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$old" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$old" 2>/dev/null && kill -KILL "$old" 2>/dev/null
  rm -f "$WORKER_PID"
fi

if worker_running; then
  log "job worker already running (pid $(cat "$WORKER_PID"))"
  exit 0
fi

ensure_packages curl:curl
[ "$(probe)" = 000 ] || die "port $EVENT_PORT or $SERVE_PORT is in use by another program; set EXECUTOR_EVENT_PORT / WORKER_SERVE_PORT"
log "starting the job worker (event API $LOCAL_URL, functions on 127.0.0.1:$SERVE_PORT; log .data/logs/worker.log)"
echo "--- $(date -u +%FT%TZ) starting" >>"$LOGS/worker.log"
# Root, for the MapReduce sandbox (README, "Security"); what it writes (outbox mails, task files)
# is its own only.
(umask 077; exec nohup node --conditions=react-server --import tsx scripts/worker.ts >>"$LOGS/worker.log" 2>&1) &
echo $! >"$WORKER_PID"
echo "$env_hash" >"$DATA/worker-env-hash"
# Up to 150 s: on a loaded machine the worker may ask its own serve endpoint for its functions for
# up to 120 s before it answers (lib/executor/sync.ts); it leaves at once if it fails.
for _ in $(seq 1 600); do
  code="$(probe)"
  [ "$code" = 200 ] && break
  worker_running || break
  sleep 0.25
done
if [ "$(probe)" != 200 ]; then
  worker_running && kill -TERM "$(cat "$WORKER_PID")" 2>/dev/null
  rm -f "$WORKER_PID"
  tail -20 "$LOGS/worker.log" >&2
  die "the job worker did not start (see $LOGS/worker.log)"
fi
