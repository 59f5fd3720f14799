#!/usr/bin/env bash
# One app server of `npm run up -- --instances N`, by hand (bench/scale uses it):
#   bash scripts/deploy/instance.sh start|stop|kill|status I
#   bash scripts/deploy/instance.sh balance N     # nginx in front of servers 1…N only
# stop sends SIGTERM (requests in flight finish); kill sends SIGKILL, as a crash would.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/scripts/deploy/instances.sh"
cd "$ROOT"
action="${1:-}"; i="${2:-}"
[[ "$i" =~ ^[1-9][0-9]?$ ]] || die "usage: instance.sh start|stop|kill|status I, or balance N"
case "$action" in
  start) start_instance "$i"; wait_instance_live "$i"; log "app server $i is up on :$(instance_port "$i")" ;;
  stop) stop_instance "$i" TERM ;;
  kill) stop_instance "$i" KILL ;;
  balance) start_load_balancer "$i"; log "nginx balances over app servers 1–$i" ;;
  status) pid_alive "$(instance_pidfile "$i")" && echo "running (pid $(cat "$(instance_pidfile "$i")"))" || echo stopped ;;
  *) die "usage: instance.sh start|stop|kill|status I, or balance N" ;;
esac
