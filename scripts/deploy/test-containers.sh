#!/usr/bin/env bash
# npm run test:containers: builds the images (cached; scripts/deploy/containers.sh), starts the
# compose stack of docker-compose.yml (+ docker-compose.sandbox.yml, so uploaded MapReduce
# programs run in the worker container) with fresh secrets and empty volumes, and runs the smoke
# test (e2e/containers/stack.smoke.ts) in Chromium through nginx. At the end it prints the
# figures (build, image sizes, stack start, smoke steps, load) and writes them to
# .data/test-reports/containers-figures.txt.
# The stack and its volumes are removed at the end (KEEP_STACK=1 leaves them running), and a
# dockerd this script started is stopped again (STRATUS_KEEP_DOCKERD=1 keeps it).
# Ports, all on loopback: one block of ten from STRATUS_SMOKE_PORT_BASE (18080; the next free
# block, 18180, 18280…, when a port of it is taken, e.g. by another clone's run):
#   +0 nginx, +1..+3 app servers, +4 MariaDB, +5 S3, +6 the worker's event API, +7 its function
#   endpoint, +8/+9 the mail sink (SMTP/HTTP). Each STRATUS_*_PORT below overrides its own.
# The compose project is stratus-smoke-<hash of this clone's path> (STRATUS_SMOKE_PROJECT), so
# two clones never share a stack and a clone's next run replaces its own.
source "$(dirname "${BASH_SOURCE[0]}")/containers.sh"
cd "$ROOT"

run_started=$SECONDS
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
PROJECT="${STRATUS_SMOKE_PROJECT:-stratus-smoke-$(printf '%s' "$ROOT" | cksum | cut -c1-6)}"
REPORTS="$DATA/test-reports"
mkdir -p "$REPORTS" "$DATA/run"
rm -f "$REPORTS/containers-smoke-timings.json" "$REPORTS/containers-figures.txt"

t=$SECONDS
ensure_packages chromium:chromium curl:curl
PACKAGES_SECONDS=$((SECONDS - t))
t=$SECONDS
ensure_node_modules
NPM_SECONDS=$((SECONDS - t))
ensure_docker

# Ports are chosen below, once a stack an earlier run of this clone left has freed its own.
compose_files=(-f "$ROOT/docker-compose.yml" -f "$ROOT/docker-compose.sandbox.yml")
compose_cmd=(docker-compose -p "$PROJECT" "${compose_files[@]}")
compose() { "${compose_cmd[@]}" "$@"; }

secret() { head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-40; }
export STRATUS_DB_PASSWORD NEXTAUTH_SECRET S3_SECRET_ACCESS_KEY INNGEST_SIGNING_KEY INNGEST_EVENT_KEY PULSE_SECRET_KEY
STRATUS_DB_PASSWORD="$(secret)"
NEXTAUTH_SECRET="$(secret)"
S3_SECRET_ACCESS_KEY="$(secret)"
INNGEST_SIGNING_KEY="signkey-prod-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
INNGEST_EVENT_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PULSE_SECRET_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"

sink_pid=""
status=1
cleanup() {
  local code=$?
  if [ "${KEEP_STACK:-}" != 1 ]; then
    log "removing the stack $PROJECT and its volumes"
    compose down --volumes --timeout 30 >>"$LOGS/containers-stack.log" 2>&1 || true
  else
    log "KEEP_STACK=1: the stack $PROJECT keeps running (${compose_cmd[*]} down -v removes it)"
  fi
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  if [ -n "$DOCKERD_PID" ] && [ "${KEEP_STACK:-}" != 1 ] && [ "${STRATUS_KEEP_DOCKERD:-}" != 1 ]; then
    stop_dockerd
  fi
  exit $code
}
trap cleanup EXIT

t=$SECONDS
ensure_base_image
build_images
build_seconds=$((SECONDS - t))
log "images ready in $build_seconds s"

# A stack this clone left goes, volumes and all: every run starts empty.
compose down --volumes --timeout 10 >"$LOGS/containers-stack.log" 2>&1 || true

base="$(free_port_base "${STRATUS_SMOKE_PORT_BASE:-18080}" 100 0 1 2 3 4 5 6 7 8 9)"
export STRATUS_HTTP_PORT="${STRATUS_HTTP_PORT:-$base}"
export STRATUS_APP_PORT_1="${STRATUS_APP_PORT_1:-$((base + 1))}"
export STRATUS_APP_PORT_2="${STRATUS_APP_PORT_2:-$((base + 2))}"
export STRATUS_APP_PORT_3="${STRATUS_APP_PORT_3:-$((base + 3))}"
export STRATUS_MARIADB_PORT="${STRATUS_MARIADB_PORT:-$((base + 4))}"
export STRATUS_S3_PORT="${STRATUS_S3_PORT:-$((base + 5))}"
export STRATUS_EVENT_PORT="${STRATUS_EVENT_PORT:-$((base + 6))}"
export STRATUS_WORKER_PORT="${STRATUS_WORKER_PORT:-$((base + 7))}"
MAIL_SMTP_PORT="${STRATUS_SMOKE_SMTP_PORT:-$((base + 8))}"
MAIL_HTTP_PORT="${STRATUS_SMOKE_MAIL_PORT:-$((base + 9))}"
export STRATUS_URL="http://localhost:$STRATUS_HTTP_PORT"
export S3_PUBLIC_ENDPOINT="http://127.0.0.1:$STRATUS_S3_PORT"
export SMTP_URL="smtp://127.0.0.1:$MAIL_SMTP_PORT"
log "ports: nginx $STRATUS_HTTP_PORT, apps $STRATUS_APP_PORT_1-$STRATUS_APP_PORT_3, MariaDB $STRATUS_MARIADB_PORT, S3 $STRATUS_S3_PORT, worker $STRATUS_EVENT_PORT/$STRATUS_WORKER_PORT, mail $MAIL_SMTP_PORT/$MAIL_HTTP_PORT"

# The mail sink the stack's SMTP_URL names (for verification and job mails).
MAIL_SINK_SMTP_PORT="$MAIL_SMTP_PORT" MAIL_SINK_HTTP_PORT="$MAIL_HTTP_PORT" \
  nohup node --import tsx e2e/support/mail-sink.ts >"$LOGS/containers-mail-sink.log" 2>&1 &
sink_pid=$!

log "starting the stack $PROJECT (log: $LOGS/containers-stack.log)"
t=$SECONDS
compose up -d --no-build >>"$LOGS/containers-stack.log" 2>&1 \
  || { tail -30 "$LOGS/containers-stack.log" >&2; compose logs --tail 40 >&2 || true; die "docker-compose up failed"; }
ready=""
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$STRATUS_URL/api/ready" || true)" = 200 ] && { ready=1; break; }
  sleep 1
done
[ -n "$ready" ] || { compose ps >&2; compose logs --tail 40 >&2; die "the stack did not become ready on $STRATUS_URL"; }
start_seconds=$((SECONDS - t))
log "stack ready in $start_seconds s: $STRATUS_URL"

export STRATUS_SMOKE_COMPOSE
STRATUS_SMOKE_COMPOSE="$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${compose_cmd[@]}")"
export STRATUS_SMOKE_MAIL_HTTP="http://127.0.0.1:$MAIL_HTTP_PORT"
export STRATUS_SMOKE_REPORT="$REPORTS/containers-smoke-timings.json"
status=0
t=$SECONDS
npx playwright test -c playwright.containers.config.ts \
  || status=$?
smoke_seconds=$((SECONDS - t))
if [ "$status" != 0 ]; then
  compose ps >&2 || true
  compose logs --tail 60 >"$LOGS/containers-failure.log" 2>&1 || true
  log "stack logs: $LOGS/containers-failure.log"
fi

# --- figures -------------------------------------------------------------------------------
row() { printf '  %-46s %7s\n' "$1" "$2"; }
mins() { printf '%d min %02d s' $(($1 / 60)) $(($1 % 60)); }
{
  echo "npm run test:containers, $(date -u '+%Y-%m-%d %H:%M') UTC: $([ "$status" = 0 ] && echo passed || echo FAILED)"
  echo "  $(nproc) cores; load average (1/5/15 min) at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  Docker $("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null), docker-compose $(docker-compose version --short 2>/dev/null)"
  row "system packages (apt; 0 when installed)" "$((PACKAGES_SECONDS)) s"
  row "npm ci on the host (0 when installed)" "$NPM_SECONDS s"
  row "dockerd start (0 when running)" "$DOCKERD_SECONDS s"
  row "base images (0 when present)" "$BASE_SECONDS s"
  for tag in stratus-worker stratus-app stratus-mariadb stratus-nginx; do
    row "  build $tag" "${IMAGE_SECONDS[$tag]:-?} s"
  done
  row "images ready (base images + builds)" "$build_seconds s"
  row "stack ready through nginx after up" "$start_seconds s"
  if [ -s "$STRATUS_SMOKE_REPORT" ]; then
    node -e 'for (const t of JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))
      console.log(`    ${t.step.padEnd(44)} ${t.seconds.toFixed(1).padStart(5)} s`)' "$STRATUS_SMOKE_REPORT"
  fi
  row "smoke test (Playwright, all steps)" "$smoke_seconds s"
  row "total" "$(mins $((SECONDS - run_started)))"
  echo "  images:"
  "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^stratus' | sort \
    | sed 's/^/    /'
} | tee "$REPORTS/containers-figures.txt"
exit $status
