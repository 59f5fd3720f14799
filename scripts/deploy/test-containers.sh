#!/usr/bin/env bash
# npm run test:containers: builds the images (cached; scripts/deploy/containers.sh), starts the
# compose stack of docker-compose.yml as the project `stratus-smoke` with fresh secrets and empty
# volumes, and runs the smoke test (e2e/containers/stack.smoke.ts) in Chromium through nginx.
# The stack and its volumes are removed at the end (KEEP_STACK=1 leaves them running).
# Ports (loopback, all overridable): nginx 18080, app servers 18081-18083, MariaDB 13306,
# S3 14569, the worker's event API 18288 and function endpoint 13288, the mail sink 12525/12580.
source "$(dirname "${BASH_SOURCE[0]}")/containers.sh"
cd "$ROOT"

export STRATUS_HTTP_PORT="${STRATUS_HTTP_PORT:-18080}"
export STRATUS_APP_PORT_1="${STRATUS_APP_PORT_1:-18081}"
export STRATUS_APP_PORT_2="${STRATUS_APP_PORT_2:-18082}"
export STRATUS_APP_PORT_3="${STRATUS_APP_PORT_3:-18083}"
export STRATUS_MARIADB_PORT="${STRATUS_MARIADB_PORT:-13306}"
export STRATUS_S3_PORT="${STRATUS_S3_PORT:-14569}"
export STRATUS_EVENT_PORT="${STRATUS_EVENT_PORT:-18288}"
export STRATUS_WORKER_PORT="${STRATUS_WORKER_PORT:-13288}"
MAIL_SMTP_PORT="${STRATUS_SMOKE_SMTP_PORT:-12525}"
MAIL_HTTP_PORT="${STRATUS_SMOKE_MAIL_PORT:-12580}"
PROJECT="${STRATUS_SMOKE_PROJECT:-stratus-smoke}"
REPORTS="$DATA/test-reports"
mkdir -p "$REPORTS" "$DATA/run"

ensure_packages chromium:chromium curl:curl
ensure_node_modules
ensure_docker

compose_cmd=(docker-compose -p "$PROJECT" -f "$ROOT/docker-compose.yml")
compose() { "${compose_cmd[@]}" "$@"; }

secret() { head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-40; }
export STRATUS_DB_PASSWORD NEXTAUTH_SECRET S3_SECRET_ACCESS_KEY INNGEST_SIGNING_KEY INNGEST_EVENT_KEY PULSE_SECRET_KEY
STRATUS_DB_PASSWORD="$(secret)"
NEXTAUTH_SECRET="$(secret)"
S3_SECRET_ACCESS_KEY="$(secret)"
INNGEST_SIGNING_KEY="signkey-prod-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
INNGEST_EVENT_KEY="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PULSE_SECRET_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export STRATUS_URL="http://localhost:$STRATUS_HTTP_PORT"
export S3_PUBLIC_ENDPOINT="http://127.0.0.1:$STRATUS_S3_PORT"
export SMTP_URL="smtp://127.0.0.1:$MAIL_SMTP_PORT"

sink_pid=""
cleanup() {
  local code=$?
  if [ "${KEEP_STACK:-}" != 1 ]; then
    log "removing the stack $PROJECT and its volumes"
    compose down --volumes --timeout 30 >>"$LOGS/containers-stack.log" 2>&1 || true
  else
    log "KEEP_STACK=1: the stack $PROJECT keeps running (${compose_cmd[*]} down -v removes it)"
  fi
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  exit $code
}
trap cleanup EXIT

started=$SECONDS
ensure_base_image
build_images
build_seconds=$((SECONDS - started))
log "images ready in $build_seconds s"

# A stack left by an earlier run goes, volumes and all: every run starts empty.
compose down --volumes --timeout 10 >"$LOGS/containers-stack.log" 2>&1 || true

# The mail sink the stack's SMTP_URL names (for verification and job mails).
MAIL_SINK_SMTP_PORT="$MAIL_SMTP_PORT" MAIL_SINK_HTTP_PORT="$MAIL_HTTP_PORT" \
  nohup node --import tsx e2e/support/mail-sink.ts >"$LOGS/containers-mail-sink.log" 2>&1 &
sink_pid=$!

log "starting the stack $PROJECT (log: $LOGS/containers-stack.log)"
started=$SECONDS
compose up -d --no-build >>"$LOGS/containers-stack.log" 2>&1 \
  || { tail -30 "$LOGS/containers-stack.log" >&2; compose logs --tail 40 >&2 || true; die "docker-compose up failed"; }
ready=""
for _ in $(seq 1 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$STRATUS_URL/api/ready" || true)" = 200 ] && { ready=1; break; }
  sleep 1
done
[ -n "$ready" ] || { compose ps >&2; compose logs --tail 40 >&2; die "the stack did not become ready on $STRATUS_URL"; }
start_seconds=$((SECONDS - started))
log "stack ready in $start_seconds s: $STRATUS_URL"

"$DOCKER" image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^stratus' | sort \
  | tee "$REPORTS/containers-images.txt"

export STRATUS_SMOKE_COMPOSE
STRATUS_SMOKE_COMPOSE="$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${compose_cmd[@]}")"
export STRATUS_SMOKE_MAIL_HTTP="http://127.0.0.1:$MAIL_HTTP_PORT"
export STRATUS_SMOKE_REPORT="$REPORTS/containers-smoke-timings.json"
status=0
npx playwright test -c playwright.containers.config.ts \
  || status=$?
if [ "$status" != 0 ]; then
  compose ps >&2 || true
  compose logs --tail 60 >"$LOGS/containers-failure.log" 2>&1 || true
  log "stack logs: $LOGS/containers-failure.log"
fi
log "build $build_seconds s, stack start $start_seconds s (timings: $STRATUS_SMOKE_REPORT)"
exit $status
