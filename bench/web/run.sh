#!/usr/bin/env bash
# npm run bench:web — the web tier under 16 signed-in users: one app server, alone and behind
# nginx, beside three servers behind nginx (bench/web/run.ts; how to read it: docs/web-bench.md).
# Prepares what it needs: nginx (apt), and what every bench of the app needs
# (bench/lib/app-stack.sh: MariaDB, the S3 store, a database of its own — stratus_webbench, or
# BENCH_DATABASE_URL — and the production build bench:isolation uses, .next-bench).
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../lib/app-stack.sh"
cd "$ROOT"

ensure_packages nginx:nginx
# Debian's package starts a system-wide nginx on :80; the bench runs its own.
if command -v service >/dev/null 2>&1; then service nginx stop >/dev/null 2>&1 || true; fi
export WEB_DIST_DIR="${WEB_DIST_DIR:-.next-bench}"
bench_app_stack stratus_webbench "$WEB_DIST_DIR" webbench

exec node --conditions=react-server --import tsx bench/web/run.ts "$@"
