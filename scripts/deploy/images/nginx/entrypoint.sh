#!/bin/bash
# Renders /etc/stratus/nginx.conf.template (@LISTEN@, @UPSTREAMS@) into /tmp/nginx and runs nginx
# in the foreground.
set -euo pipefail
template=/etc/stratus/nginx.conf.template
conf=/tmp/nginx/nginx.conf
# /tmp is usually a fresh tmpfs (read-only root file system).
mkdir -p /tmp/nginx
[ -r "$template" ] || { echo "stratus-nginx: mount the configuration template at $template" >&2; exit 1; }
[[ "$NGINX_PORT" =~ ^[0-9]+$ ]] || { echo "stratus-nginx: NGINX_PORT must be a number" >&2; exit 1; }
upstreams=""
for server in $APP_UPSTREAMS; do
  [[ "$server" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || { echo "stratus-nginx: bad upstream '$server'" >&2; exit 1; }
  upstreams+="    server $server max_fails=1 fail_timeout=3s;"$'\n'
done
[ -n "$upstreams" ] || { echo "stratus-nginx: APP_UPSTREAMS is empty" >&2; exit 1; }
listen="${NGINX_BIND:-0.0.0.0}:$NGINX_PORT"
awk -v listen="$listen" -v up="${upstreams%$'\n'}" '
  { gsub(/@LISTEN@/, listen) }
  /^@UPSTREAMS@$/ { print up; next }
  { print }' "$template" >"$conf"
nginx -t -q -c "$conf"
exec nginx -c "$conf" -g 'daemon off;'
