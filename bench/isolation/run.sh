#!/usr/bin/env bash
# npm run bench:isolation — the noisy-neighbour bench (bench/isolation/run.ts; how to read it:
# docs/isolation-bench.md). Prepares what it needs: the MapReduce sandbox, and what every bench
# of the app needs (bench/lib/app-stack.sh: MariaDB, the S3 store, a database of its own —
# stratus_isobench, or BENCH_DATABASE_URL — and the production build in .next-bench, or
# ISO_DIST_DIR). The bench then starts its own worker and web server.
source "$(dirname "$0")/../../scripts/lib.sh"
source "$(dirname "$0")/../lib/app-stack.sh"
cd "$ROOT"

ensure_mapreduce_sandbox
# The web server's CPU priority, as `npm run up` gives it (STRATUS_WEB_NICE=0: none).
web_priority_prefix
export ISO_APP_PREFIX="${WEB_PRIORITY[*]}"
export ISO_DIST_DIR="${ISO_DIST_DIR:-.next-bench}"
bench_app_stack stratus_isobench "$ISO_DIST_DIR" isobench

# react-server: the app's `server-only` modules load outside Next, as in the worker.
exec node --conditions=react-server --import tsx bench/isolation/run.ts "$@"
