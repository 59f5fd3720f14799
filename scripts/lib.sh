# Shared by up.sh, test.sh, down.sh and db-start.sh. Sourced, never run.
# Everything here is idempotent: a second run reuses what the first one left.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
# Telemetry would try to reach the network, which is closed here.
export NEXT_TELEMETRY_DISABLED=1
LOGS="$DATA/logs"
mkdir -p "$LOGS"
# Objects, mails, logs and the database live here: only the owner (root under `npm run up`) may
# enter. The web server and the Pulse listener need nothing inside (their logs are written by
# this shell), which is what lets them run as the unprivileged `stratus` user.
chmod 700 "$DATA"

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
  ensure_sandbox_seccomp
  getent passwd stratus-sandbox >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || return 0 # a non-root worker runs user programs as itself
  log "creating the system user stratus-sandbox (runs MapReduce user programs)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group stratus-sandbox || die "could not create the user stratus-sandbox"
}

# The sandbox's seccomp filter is built by libseccomp through Debian's python3-seccomp
# (lib/mapreduce/sandbox-launch.py): a module, not a command, so ensure_packages cannot see it.
ensure_sandbox_seccomp() {
  /usr/bin/python3 -c 'import seccomp' >/dev/null 2>&1 && return 0
  ensure_packages /usr/lib/python3/dist-packages/seccomp-missing:python3-seccomp
  /usr/bin/python3 -c 'import seccomp' >/dev/null 2>&1 \
    || die "python3-seccomp is installed but /usr/bin/python3 cannot import seccomp"
}

# --- the unprivileged service user ---------------------------------------------
# Under root, the web server and Pulse listener run as the system user `stratus`: a flaw in
# them reads or writes only what that user may. The worker stays root: the MapReduce sandbox
# switches user programs to stratus-sandbox and puts them in per-task cgroups, which needs root.
SERVICE_USER=stratus
ensure_service_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  getent passwd "$SERVICE_USER" >/dev/null 2>&1 && return 0
  log "creating the system user $SERVICE_USER (runs the web server and the Pulse listener)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --user-group "$SERVICE_USER" || die "could not create the user $SERVICE_USER"
}

# Sets AS_SERVICE to the command prefix that runs a server as the service user: empty when not
# root (it already runs unprivileged), and empty with a warning when that user cannot read this
# clone (a clone under /root, say), so that `npm run up` works from anywhere.
# Prepares what those servers need: .env.local readable by their group, .next/cache writable.
service_user_prefix() {
  AS_SERVICE=()
  [ "$(id -u)" -eq 0 ] || return 0
  ensure_service_user
  ensure_packages setpriv:util-linux
  local run=(setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups --inh-caps=-all)
  if ! "${run[@]}" test -r "$ROOT/package.json" -a -x "$ROOT/node_modules/.bin/next" 2>/dev/null; then
    log "warning: the user $SERVICE_USER cannot read $ROOT; the web server and listener run as root (clone Stratus where other users can read it, e.g. /srv or /opt)"
    return 0
  fi
  if [ -f "$ROOT/.env.local" ]; then
    chown "root:$SERVICE_USER" "$ROOT/.env.local"
    chmod 640 "$ROOT/.env.local"
  fi
  if [ -d "$ROOT/.next" ]; then
    mkdir -p "$ROOT/.next/cache"
    chown -R "$SERVICE_USER:$SERVICE_USER" "$ROOT/.next/cache"
  fi
  AS_SERVICE=("${run[@]}" env HOME=/nonexistent)
}

# Sets WEB_PRIORITY to the command prefix that starts a web server above the machine's background
# work on the CPU: `nice -n STRATUS_WEB_NICE` (default -5), put before AS_SERVICE so that root sets
# it and the server keeps it after dropping to the service user. Users' renders, zips and
# MapReduce tasks run at nice 10 or in capped cgroups; at the same priority, the 1.5 cores they
# may take between them delayed another user's page loads and sign-ins 2–5× while the thread
# waited for a core (docs/isolation-bench.md, eighth session). Empty when not root (lowering a
# nice value needs root) or with STRATUS_WEB_NICE=0.
web_priority_prefix() {
  WEB_PRIORITY=()
  local nice
  nice="$(env_value STRATUS_WEB_NICE)"; nice="${nice:--5}"
  [[ "$nice" =~ ^-?[0-9]+$ ]] && [ "$nice" -ge -20 ] && [ "$nice" -le 0 ] ||
    die "STRATUS_WEB_NICE wants a whole number from -20 to 0, not '$nice'"
  [ "$nice" -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || return 0
  WEB_PRIORITY=(nice -n "$nice")
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
  # Owner only, or owner and the service user's group (service_user_prefix).
  touch "$f"
  if [ "$(stat -c %G "$f")" = "${SERVICE_USER:-stratus}" ]; then chmod 640 "$f"; else chmod 600 "$f"; fi
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

# --- ports for a run beside another Stratus ---------------------------------------
# `npm test` in one clone while `npm run up` (or another `npm test`) serves from another clone on
# the same machine: each clone has its own .data, but the default ports are the same. A test run
# keeps its own servers' ports when they run already, else takes the default or the next free one.

# port_in_use PORT: something listens on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port_base START STEP OFFSET...: the first START + k*STEP whose ports (+ each OFFSET) are free.
free_port_base() {
  local base="$1" step="$2" i off ok
  shift 2
  for i in $(seq 0 300); do
    ok=1
    for off in "$@"; do
      if port_in_use $((base + off)); then ok=0; break; fi
    done
    [ "$ok" = 1 ] && { echo "$base"; return 0; }
    base=$((base + step))
  done
  die "no free port from $1 on (step $step)"
}

# The value of --NAME=VALUE on a running process's command line, or VAR=VALUE in its environment.
proc_arg() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | sed -n "s/^--$2=//p" | head -n1; }
proc_env() { tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n "s/^$2=//p" | head -n1; }

# Sets DB_PORT, S3_LOCAL_PORT and E2E_PORT (each unless set already) for scripts/test.sh.
choose_test_ports() {
  local pid
  if [ -z "${STRATUS_DB_PORT:-}" ] && [ -z "${TEST_DATABASE_URL:-}" ]; then
    if db_running; then
      DB_PORT="$(proc_arg "$(cat "$DB_PID")" port)"; DB_PORT="${DB_PORT:-3307}"
    else
      DB_PORT="$(free_port_base 3307 1 0)"
    fi
  fi
  if [ -z "${S3_LOCAL_PORT:-}" ]; then
    pid="$(cat "$DATA/run/s3.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && grep -q "s3-server.ts" "/proc/$pid/cmdline" 2>/dev/null; then
      S3_LOCAL_PORT="$(proc_env "$pid" S3_LOCAL_PORT)"; S3_LOCAL_PORT="${S3_LOCAL_PORT:-4569}"
    else
      S3_LOCAL_PORT="$(free_port_base 4569 1 0)"
    fi
    export S3_LOCAL_PORT
  fi
  # playwright.config.ts derives the worker's, the mail sink's and the Bluesky search stand-in's ports from it.
  [ -n "${E2E_PORT:-}" ] || E2E_PORT="$(free_port_base 3100 10 0 288 5288 6225 6300 6450)"
  export E2E_PORT
  log "ports: MariaDB $DB_PORT, S3 $S3_LOCAL_PORT, e2e $E2E_PORT (+288, +5288, +6225, +6300, +6450)"
}

# --- project-local MariaDB ---------------------------------------------------
DB_PORT="${STRATUS_DB_PORT:-3307}"
DB_DIR="$DATA/mysql"
DB_RUN="$DATA/run"
DB_SOCK="$DB_RUN/mysqld.sock"
DB_PID="$DB_RUN/mysqld.pid"

# Our server only: a pid file left by a killed server may name a reused pid, or another clone's
# server, and the suite must then start its own rather than use someone else's.
db_running() {
  [ -f "$DB_PID" ] && tr '\0' '\n' <"/proc/$(cat "$DB_PID")/cmdline" 2>/dev/null | grep -qxF -- "--datadir=$DB_DIR"
}

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
