#!/usr/bin/env bash
# Starts the embedded S3 store (scripts/s3-server.ts, data in .data/s3) unless S3_ENDPOINT names
# another store, and writes its settings into .env.local. A second run reuses the running server.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_env_file

S3_PORT="${S3_LOCAL_PORT:-4569}"
S3_URL="http://127.0.0.1:$S3_PORT"
S3_PID="$DATA/run/s3.pid"
S3_KEY_ID="stratus-local"
S3_MANAGED=(S3_ENDPOINT S3_BUCKET S3_REGION S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_FORCE_PATH_STYLE S3_EMBEDDED)

file_value() { grep -E "^$1=" "$ROOT/.env.local" | tail -n1 | cut -d= -f2- || true; }
drop_env_lines() {
  local f="$ROOT/.env.local" tmp name
  tmp="$(mktemp)"; cp "$f" "$tmp"
  for name in "$@"; do grep -v "^$name=" "$tmp" >"$tmp.next" || true; mv "$tmp.next" "$tmp"; done
  cat "$tmp" >"$f"; rm -f "$tmp"
}

# Another store is in use when S3_ENDPOINT (environment first, then .env.local) names anything but
# this one. Lines this script wrote earlier are marked by S3_EMBEDDED=true; they would otherwise
# shadow the real store's settings, so they go.
ours="$( [ "$(file_value S3_EMBEDDED)" = true ] && echo 1 || true)"
endpoint="${S3_ENDPOINT:-}"
[ -z "$endpoint" ] && [ -z "$ours" ] && endpoint="$(file_value S3_ENDPOINT)"
if [ -n "$endpoint" ] && [ "$endpoint" != "$S3_URL" ]; then
  log "S3_ENDPOINT=$endpoint is set: using that store, starting no local S3"
  if [ -n "$ours" ]; then
    log "removing the embedded store's settings from .env.local"
    drop_env_lines "${S3_MANAGED[@]}"
  fi
  exit 0
fi

[ -d "$ROOT/node_modules/@20minutes/s3rver" ] || ensure_node_modules
ensure_packages curl:curl
[[ "$(curl --help all 2>/dev/null)" == *--aws-sigv4* ]] || die "curl 7.75 or newer is needed (--aws-sigv4)"
bucket="$(env_value S3_BUCKET)"; bucket="${bucket:-stratus}"
secret="$( [ -n "$ours" ] && file_value S3_SECRET_ACCESS_KEY || true)"
[ -n "$secret" ] || secret="$(head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-40)"

# Answers 200 only if the server is up, knows these keys and has the bucket. The keys go through
# stdin, not argv, which other local users can read.
s3_probe() {
  printf 'user = "%s:%s"\n' "$S3_KEY_ID" "$secret" \
    | curl -s -K - -o /dev/null -w '%{http_code}' --max-time 2 --aws-sigv4 "aws:amz:us-east-1:s3" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -I "$S3_URL/$bucket" || true
}
s3_running() {
  [ -f "$S3_PID" ] && kill -0 "$(cat "$S3_PID")" 2>/dev/null \
    && grep -q "s3-server.ts" "/proc/$(cat "$S3_PID")/cmdline" 2>/dev/null
}

if s3_running && [ "$(s3_probe)" != 200 ]; then
  # Started with other keys, bucket or port (e.g. .env.local was reset): start it afresh.
  log "restarting the local S3 store with the current settings"
  kill -TERM "$(cat "$S3_PID")" 2>/dev/null || true
  for _ in $(seq 1 40); do s3_running || break; sleep 0.25; done
  rm -f "$S3_PID"
fi

if ! s3_running; then
  code="$(s3_probe)"
  [ "$code" = 000 ] || die "port $S3_PORT is in use by another program (HTTP $code); set S3_LOCAL_PORT"
  mkdir -p "$DATA/run" "$DATA/s3"
  log "starting the local S3 store on $S3_URL (bucket $bucket, data .data/s3)"
  echo "--- $(date -u +%FT%TZ) starting" >>"$LOGS/s3.log"
  S3_LOCAL_PORT="$S3_PORT" S3_BUCKET="$bucket" S3_ACCESS_KEY_ID="$S3_KEY_ID" \
    S3_SECRET_ACCESS_KEY="$secret" \
    bash -c 'umask 077; exec nohup node --openssl-legacy-provider --import tsx scripts/s3-server.ts' >>"$LOGS/s3.log" 2>&1 &
  echo $! >"$S3_PID"
  for _ in $(seq 1 120); do
    [ "$(s3_probe)" = 200 ] && break
    s3_running || break
    sleep 0.25
  done
  if [ "$(s3_probe)" != 200 ]; then
    s3_running && kill -TERM "$(cat "$S3_PID")" 2>/dev/null
    rm -f "$S3_PID"
    tail -20 "$LOGS/s3.log" >&2
    die "the local S3 store did not start (see $LOGS/s3.log)"
  fi
else
  log "local S3 store already running on $S3_URL"
fi

set_env_line S3_ENDPOINT "$S3_URL"
set_env_line S3_BUCKET "$bucket"
set_env_line S3_REGION us-east-1
set_env_line S3_ACCESS_KEY_ID "$S3_KEY_ID"
set_env_line S3_SECRET_ACCESS_KEY "$secret"
set_env_line S3_FORCE_PATH_STYLE true
set_env_line S3_EMBEDDED true
