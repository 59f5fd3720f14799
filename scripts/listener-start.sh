#!/usr/bin/env bash
# Starts Pulse's listener (scripts/listener.ts) in the background. It sends to the Inngest event
# API that .env.local names (the local executor, which worker-start.sh starts first). A second run
# reuses the running listener; a changed .env.local, or --restart (the code changed), restarts it.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_env_file

LISTENER_PID="$DATA/run/listener.pid"
ENV_FILE="$ROOT/.env.local"
mkdir -p "$DATA/run"
configure_inngest_env

listener_running() {
  [ -f "$LISTENER_PID" ] && kill -0 "$(cat "$LISTENER_PID")" 2>/dev/null \
    && grep -q "scripts/listener.ts" "/proc/$(cat "$LISTENER_PID")/cmdline" 2>/dev/null
}

# The listener reads .env.local when it starts: a changed setting needs a restart.
env_hash="$(sha256sum "$ENV_FILE" | cut -d' ' -f1)"
if listener_running && { [ "${1:-}" = --restart ] || [ "$(cat "$DATA/listener-env-hash" 2>/dev/null)" != "$env_hash" ]; }; then
  log "restarting the Pulse listener"
  old="$(cat "$LISTENER_PID")"
  kill -TERM "$old" 2>/dev/null || true
  # SIGTERM sends what is pending and stores the cursors (up to 20 s).
  for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$old" 2>/dev/null && kill -KILL "$old" 2>/dev/null
  rm -f "$LISTENER_PID"
fi

if listener_running; then
  log "Pulse listener already running (pid $(cat "$LISTENER_PID"))"
  exit 0
fi

service_user_prefix
log "starting the Pulse listener${AS_SERVICE:+ as the user $SERVICE_USER} (log .data/logs/listener.log)"
echo "--- $(date -u +%FT%TZ) starting" >>"$LOGS/listener.log"
start_line="$(wc -l <"$LOGS/listener.log")"
nohup "${AS_SERVICE[@]}" node --conditions=react-server --import tsx scripts/listener.ts >>"$LOGS/listener.log" 2>&1 &
echo $! >"$LISTENER_PID"
echo "$env_hash" >"$DATA/listener-env-hash"
for _ in $(seq 1 240); do
  tail -n +"$start_line" "$LOGS/listener.log" | grep -q "listening" && exit 0
  listener_running || break
  sleep 0.25
done
listener_running && kill -TERM "$(cat "$LISTENER_PID")" 2>/dev/null
rm -f "$LISTENER_PID"
tail -20 "$LOGS/listener.log" >&2
die "the Pulse listener did not start (see $LOGS/listener.log)"
