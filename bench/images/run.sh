#!/usr/bin/env bash
# npm run bench:images — installs what the bench needs (ImageMagick, the Debian wallpaper packages
# whose photographs it uses), starts MariaDB and the S3 store, then runs bench/images/run.ts.
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"

ensure_env_file
[ -d "$ROOT/node_modules/sharp" ] || ensure_node_modules
# Data packages have no command to look for: a package that is not installed is given a command
# name that cannot exist, so ensure_packages installs it.
pairs=(/usr/bin/convert:imagemagick)
for pkg in lomiri-wallpapers-16.04 lomiri-wallpapers-20.04 mate-backgrounds; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" \
    || pairs+=("/nonexistent/$pkg:$pkg")
done
ensure_packages "${pairs[@]}"

bash "$ROOT/scripts/db-start.sh" >/dev/null
bash "$ROOT/scripts/s3-start.sh" >/dev/null
ensure_prisma_client
# The bench works in the test database (a throwaway user, removed afterwards); bring it up to date.
BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-${TEST_DATABASE_URL:-$(local_database_url stratus_test)}}"
export BENCH_DATABASE_URL
npx tsx scripts/migrate.ts --url "$BENCH_DATABASE_URL" >/dev/null

# react-server: the app's `server-only` modules load outside Next, as in the worker.
exec node --conditions=react-server --import tsx bench/images/run.ts "$@"
