# Several app servers behind nginx on one machine (`npm run up -- --instances N`). Sourced by
# up.sh and down.sh after lib.sh; `bash scripts/deploy/instance.sh` drives one server by hand.
#
# Server i listens on INSTANCE_BASE_PORT+i-1 (default PORT+1…), its pid in .data/run/web-<i>.pid,
# its log in .data/logs/web-<i>.log. nginx listens on PORT with .data/run/nginx.conf, rendered
# from scripts/deploy/nginx.conf.template. All servers share one build (.next), one database, one
# object store and the job worker.

PORT="${PORT:-3000}"
INSTANCE_BASE_PORT="${INSTANCE_BASE_PORT:-$((PORT + 1))}"
NGINX_CONF="$DATA/run/nginx.conf"
NGINX_PID="$DATA/run/nginx.pid"

instance_port() { echo $((INSTANCE_BASE_PORT + $1 - 1)); }
instance_pidfile() { echo "$DATA/run/web-$1.pid"; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The indexes of the servers that have a pid file, running or not.
instance_indexes() {
  local f
  for f in "$DATA"/run/web-*.pid; do
    [ -e "$f" ] || continue
    f="${f##*/web-}"; echo "${f%.pid}"
  done | sort -n
}

start_instance() {
  local i="$1" port pidfile
  port="$(instance_port "$i")"; pidfile="$(instance_pidfile "$i")"
  pid_alive "$pidfile" && return 0
  echo "--- $(date -u +%FT%TZ) starting on :$port" >>"$LOGS/web-$i.log"
  # STRATUS_INSTANCE names the server in its JSON logs and in /api/health. Loopback only: clients
  # come through nginx. The pid file holds the server's own pid (a crash test kills exactly it).
  # One proxy (nginx, which overwrites X-Forwarded-For with the address it saw) is in front:
  # TRUSTED_PROXY_HOPS=1 (README, "Client addresses").
  service_user_prefix
  web_priority_prefix
  (
    cd "$ROOT" || exit 1
    STRATUS_INSTANCE="web-$i" TRUSTED_PROXY_HOPS=1 nohup "${WEB_PRIORITY[@]}" "${AS_SERVICE[@]}" \
      ./node_modules/.bin/next start -H 127.0.0.1 -p "$port" --keepAliveTimeout 65000 >>"$LOGS/web-$i.log" 2>&1 &
    echo $! >"$pidfile"
  )
}

# stop_instance I [SIGNAL]: SIGTERM lets Next finish requests in flight (lib/shutdown bounds it).
stop_instance() {
  local i="$1" sig="${2:-TERM}" pidfile pid
  pidfile="$(instance_pidfile "$i")"
  if pid_alive "$pidfile"; then
    pid="$(cat "$pidfile")"
    pkill "-$sig" -P "$pid" 2>/dev/null || true
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
}

wait_instance_live() {
  local i="$1" port code=""
  port="$(instance_port "$i")"
  for _ in $(seq 1 240); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/api/health" || true)"
    [ "$code" = 200 ] && return 0
    pid_alive "$(instance_pidfile "$i")" || break
    sleep 0.5
  done
  tail -20 "$LOGS/web-$i.log" >&2
  die "app server $i did not start on :$port (see $LOGS/web-$i.log)"
}

render_nginx_conf() {
  local n="$1" i upstreams=""
  for i in $(seq 1 "$n"); do
    upstreams+="    server 127.0.0.1:$(instance_port "$i") max_fails=1 fail_timeout=3s;"$'\n'
  done
  mkdir -p "$DATA/run/nginx-tmp"
  awk -v run="$DATA/run" -v logs="$LOGS" -v port="$PORT" -v up="${upstreams%$'\n'}" '
    { gsub(/@RUN@/, run); gsub(/@LOGS@/, logs); gsub(/@PORT@/, port) }
    /^@UPSTREAMS@$/ { print up; next }
    { print }' "$ROOT/scripts/deploy/nginx.conf.template" >"$NGINX_CONF.new"
  nginx -t -q -c "$NGINX_CONF.new" 2>"$LOGS/nginx-test.log" \
    || { cat "$LOGS/nginx-test.log" >&2; die "the rendered nginx configuration is invalid"; }
  mv "$NGINX_CONF.new" "$NGINX_CONF"
}

# start_load_balancer N: nginx on PORT in front of servers 1…N; a running one reloads.
start_load_balancer() {
  ensure_packages nginx:nginx
  # Debian's package starts a system-wide nginx on :80; Stratus runs its own.
  if command -v service >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    service nginx stop >/dev/null 2>&1 || true
  fi
  render_nginx_conf "$1"
  if pid_alive "$NGINX_PID"; then
    nginx -c "$NGINX_CONF" -s reload 2>>"$LOGS/nginx-error.log" \
      || die "nginx did not reload (see $LOGS/nginx-error.log)"
  else
    nginx -c "$NGINX_CONF" || die "nginx did not start (see $LOGS/nginx-error.log)"
  fi
}

stop_load_balancer() {
  pid_alive "$NGINX_PID" || { rm -f "$NGINX_PID"; return 0; }
  log "stopping nginx (pid $(cat "$NGINX_PID"))"
  # QUIT: finish the requests in flight, then exit.
  nginx -c "$NGINX_CONF" -s quit 2>/dev/null || kill -QUIT "$(cat "$NGINX_PID")" 2>/dev/null || true
  for _ in $(seq 1 60); do pid_alive "$NGINX_PID" || break; sleep 0.25; done
  pid_alive "$NGINX_PID" && kill -KILL "$(cat "$NGINX_PID")" 2>/dev/null
  rm -f "$NGINX_PID"
}

# stop_instances [FROM]: stops servers FROM (default 1) and up, and nginx when FROM is 1.
stop_instances() {
  local from="${1:-1}" i
  [ "$from" -gt 1 ] || stop_load_balancer
  for i in $(instance_indexes); do
    [ "$i" -ge "$from" ] || continue
    log "stopping app server $i"
    stop_instance "$i"
  done
}

# start_instances N RESTART: servers 1…N (restarted one at a time when RESTART=1, so the others
# keep serving), then nginx; servers above N from an earlier run stop.
start_instances() {
  local n="$1" restart="$2" i
  ensure_packages nginx:nginx curl:curl
  for i in $(seq 1 "$n"); do
    if [ "$restart" = 1 ] && pid_alive "$(instance_pidfile "$i")"; then
      log "restarting app server $i"
      stop_instance "$i"
    fi
    if ! pid_alive "$(instance_pidfile "$i")"; then
      log "starting app server $i on :$(instance_port "$i")"
      start_instance "$i"
      # One at a time: starting Next is CPU-bound, and a rolling restart keeps the others up.
      wait_instance_live "$i"
    fi
  done
  # nginx first, so no request goes to a server that is about to stop.
  start_load_balancer "$n"
  stop_instances $((n + 1))
}
