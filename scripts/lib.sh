# Shared by up.sh, test.sh, down.sh and db-start.sh. Sourced, never run.
# Everything here is idempotent: a second run reuses what the first one left.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
# Telemetry would try to reach the network, which is closed here.
export NEXT_TELEMETRY_DISABLED=1
LOGS="$DATA/logs"
mkdir -p "$LOGS"

log() { printf '\033[1;34m[stratus]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[stratus] error:\033[0m %s\n' "$*" >&2; exit 1; }

# --- system packages -------------------------------------------------------
# ensure_packages CMD:PKG ... installs each Debian package whose command is missing.
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    # A command name, or an absolute path to a file the package ships (a font, say).
    command -v "$cmd" >/dev/null 2>&1 || [ -e "$cmd" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    die "missing system packages: ${missing[*]}. This is not a Debian-like system, so install them yourself
  (MariaDB >= 10.6 server; Chromium for the browser tests), or point Stratus at existing services:
  DATABASE_URL=mysql://user:pass@host:3306/stratus (see README, 'Environment')."
  fi
  if [ "$(id -u)" -ne 0 ]; then
    die "missing system packages: ${missing[*]}. Run as root, or install them first:
  sudo apt-get install -y ${missing[*]}
or point Stratus at an existing server with DATABASE_URL (see README, 'Environment')."
  fi
  log "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$LOGS/apt.log" 2>&1 || die "apt-get update failed (see $LOGS/apt.log)"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$LOGS/apt.log" 2>&1 \
    || die "apt-get install ${missing[*]} failed (see $LOGS/apt.log)"
  # Debian's package starts a system-wide server; Stratus never uses it.
  if command -v service >/dev/null 2>&1; then service mariadb stop >/dev/null 2>&1 || true; fi
}

# --- MapReduce sandbox --------------------------------------------------------
# User programs of MapReduce jobs run in bubblewrap under prlimit (util-linux), as a dedicated
# non-root uid: RLIMIT_NPROC does not apply to root, so a fork bomb launched as root would pass.
ensure_mapreduce_sandbox() {
  ensure_packages bwrap:bubblewrap prlimit:util-linux setpriv:util-linux /usr/bin/python3:python3
  getent passwd stratus-sandbox >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || return 0 # a non-root worker runs user programs as itself
  log "creating the system user stratus-sandbox (runs MapReduce user programs)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group stratus-sandbox || die "could not create the user stratus-sandbox"
}

# --- npm dependencies ------------------------------------------------------
ensure_node_modules() {
  local stamp="$ROOT/node_modules/.stratus-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$ROOT/package-lock.json"; then return 0; fi
  log "installing npm dependencies"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  cp "$ROOT/package-lock.json" "$stamp"
  rm -f "$ROOT/lib/generated/.schema-hash"
}

# Prisma's CLI wants a schema engine path even for `generate`, which never runs it; the engine
# itself cannot be downloaded here. Point it at a placeholder unless a real one is configured.
ensure_prisma_client() {
  local hash
  hash="$(cat "$ROOT/prisma/schema.prisma" "$ROOT/package-lock.json" | sha256sum | cut -d' ' -f1)"
  if [ -f "$ROOT/lib/generated/.schema-hash" ] && [ "$(cat "$ROOT/lib/generated/.schema-hash")" = "$hash" ]; then
    return 0
  fi
  log "generating the Prisma client"
  (cd "$ROOT" && PRISMA_SCHEMA_ENGINE_BINARY="${PRISMA_SCHEMA_ENGINE_BINARY:-$ROOT/package.json}" \
    PRISMA_HIDE_UPDATE_MESSAGE=1 npx prisma generate >"$LOGS/prisma-generate.log" 2>&1) \
    || { cat "$LOGS/prisma-generate.log" >&2; die "prisma generate failed"; }
  echo "$hash" >"$ROOT/lib/generated/.schema-hash"
}

# --- secrets and settings --------------------------------------------------
# .env.local is git-ignored; secrets are generated once and then kept.
ensure_env_file() {
  local f="$ROOT/.env.local"
  touch "$f"; chmod 600 "$f"
  add_secret() { grep -q "^$1=" "$f" || echo "$1=$(head -c 32 /dev/urandom | base64 | tr -d '/+=' | cut -c1-40)" >>"$f"; }
  add_secret NEXTAUTH_SECRET
  add_secret STRATUS_DB_PASSWORD
  # The web app signs/verifies function calls and sends events even when no local worker runs.
  # Keys set in the environment (Inngest Cloud's) are used as they are.
  hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  [ -n "${INNGEST_SIGNING_KEY:-}" ] || grep -q '^INNGEST_SIGNING_KEY=' "$f" \
    || echo "INNGEST_SIGNING_KEY=signkey-local-$(hex)" >>"$f"
  [ -n "${INNGEST_EVENT_KEY:-}" ] || grep -q '^INNGEST_EVENT_KEY=' "$f" \
    || echo "INNGEST_EVENT_KEY=$(hex)" >>"$f"
  # Pulse encrypts Mastodon/X tokens with it (AES-256-GCM): 32 random bytes, base64. Changing it
  # makes stored tokens unreadable (the tracker form then asks for them again).
  [ -n "${PULSE_SECRET_KEY:-}" ] || grep -q '^PULSE_SECRET_KEY=' "$f" \
    || echo "PULSE_SECRET_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')" >>"$f"
}

# Reads one variable from the environment, else from .env.local.
env_value() {
  local name="$1" v="${!1:-}"
  if [ -z "$v" ] && [ -f "$ROOT/.env.local" ]; then
    v="$(grep -E "^$name=" "$ROOT/.env.local" | tail -n1 | cut -d= -f2- || true)"
  fi
  printf '%s' "$v"
}

# --- project-local MariaDB ---------------------------------------------------
DB_PORT="${STRATUS_DB_PORT:-3307}"
DB_DIR="$DATA/mysql"
DB_RUN="$DATA/run"
DB_SOCK="$DB_RUN/mysqld.sock"
DB_PID="$DB_RUN/mysqld.pid"

db_running() { [ -f "$DB_PID" ] && kill -0 "$(cat "$DB_PID")" 2>/dev/null; }

db_root() { mariadb --no-defaults --protocol=socket --socket="$DB_SOCK" -uroot "$@"; }

start_local_db() {
  ensure_packages mariadbd:mariadb-server mariadb:mariadb-client
  mkdir -p "$DB_RUN"
  [ ${#DB_SOCK} -lt 100 ] || die "socket path too long for MariaDB ($DB_SOCK); clone Stratus to a shorter path"
  if [ ! -d "$DB_DIR/mysql" ]; then
    log "initialising MariaDB in $DB_DIR"
    mariadb-install-db --no-defaults --datadir="$DB_DIR" --user="$(id -un)" \
      --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" \
      --skip-test-db >"$LOGS/mariadb-install.log" 2>&1 \
      || { cat "$LOGS/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  fi
  if ! db_running; then
    log "starting MariaDB on 127.0.0.1:$DB_PORT"
    # --user is required when running as root and harmless otherwise.
    nohup mariadbd --no-defaults --datadir="$DB_DIR" --socket="$DB_SOCK" --pid-file="$DB_PID" \
      --port="$DB_PORT" --bind-address=127.0.0.1 --user="$(id -un)" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size=256M --max-connections=500 \
      --log-error="$LOGS/mariadb.log" >/dev/null 2>&1 &
    local i
    for i in $(seq 1 120); do
      db_root -e 'SELECT 1' >/dev/null 2>&1 && break
      sleep 0.25
    done
    db_root -e 'SELECT 1' >/dev/null 2>&1 || { tail -20 "$LOGS/mariadb.log" >&2; die "MariaDB did not start"; }
  fi
}

# create_local_database NAME: the database and the app user that may use it.
create_local_database() {
  local name="$1" pw
  pw="$(env_value STRATUS_DB_PASSWORD)"
  db_root <<SQL
CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'stratus'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'stratus'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'stratus'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER 'stratus'@'localhost' IDENTIFIED BY '$pw';
-- stratus% also covers the throwaway databases that the schema-drift test creates.
GRANT ALL PRIVILEGES ON \`stratus%\`.* TO 'stratus'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`stratus%\`.* TO 'stratus'@'localhost';
SQL
}

local_database_url() { printf 'mysql://stratus:%s@127.0.0.1:%s/%s' "$(env_value STRATUS_DB_PASSWORD)" "$DB_PORT" "$1"; }

# set_env_line NAME VALUE: writes a managed line into .env.local.
set_env_line() {
  local f="$ROOT/.env.local" tmp
  tmp="$(mktemp)"
  grep -v "^$1=" "$f" >"$tmp" || true
  echo "$1=$2" >>"$tmp"
  cat "$tmp" >"$f"; rm -f "$tmp"
}

# Points the app's Inngest client at the local executor's event API (INNGEST_BASE_URL in
# .env.local), or removes that line when INNGEST_EXECUTOR=external. Runs before the web server
# starts, so its first start already has it.
configure_inngest_env() {
  local env_file="$ROOT/.env.local" event_port executor local_url
  event_port="$(env_value EXECUTOR_EVENT_PORT)"; event_port="${event_port:-8288}"
  executor="$(env_value INNGEST_EXECUTOR)"; executor="${executor:-local}"
  local_url="http://127.0.0.1:$event_port"
  if [ "$executor" = local ]; then
    [ "$(grep -E '^INNGEST_BASE_URL=' "$env_file" | tail -n1 | cut -d= -f2-)" = "$local_url" ] \
      || set_env_line INNGEST_BASE_URL "$local_url"
  elif grep -q "^INNGEST_BASE_URL=$local_url\$" "$env_file"; then
    grep -v '^INNGEST_BASE_URL=' "$env_file" >"$env_file.tmp" || true
    cat "$env_file.tmp" >"$env_file"; rm -f "$env_file.tmp"
  fi
}
