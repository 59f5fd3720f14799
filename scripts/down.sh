#!/usr/bin/env bash
# npm run down: stops what `npm run up` started. Data in .data/ is kept.
source "$(dirname "$0")/lib.sh"

stop_pidfile() {
  local name="$1" file="$2" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    # npx/next start a process group; stop its children too.
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$file"
}

# The Pulse listener before the worker: on SIGTERM it sends what is pending to the worker.
stop_pidfile "Pulse listener" "$DATA/run/listener.pid"
# The worker first: on SIGTERM it finishes or hands back its leases.
stop_pidfile "job worker" "$DATA/run/worker.pid"
stop_pidfile "web server" "$DATA/run/web.pid"
# `npm run up -- --instances N`: nginx, then each app server (SIGTERM: requests in flight finish).
source "$ROOT/scripts/deploy/instances.sh"
stop_instances 1
stop_pidfile "local S3 store" "$DATA/run/s3.pid"
stop_pidfile "MariaDB" "$DB_PID"
log "stopped"
