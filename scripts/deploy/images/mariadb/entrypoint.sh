#!/bin/bash
# Initialises the data directory on first start (the database and its user from MARIADB_*), then
# runs mariadbd in the foreground. Root is reachable only over the socket, as the `mysql` user.
set -euo pipefail
DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/mysqld.sock
: "${MARIADB_PASSWORD:?set MARIADB_PASSWORD}"
[[ "$MARIADB_DATABASE" =~ ^[A-Za-z0-9_]+$ ]] || { echo "MARIADB_DATABASE: letters, digits, _" >&2; exit 1; }
[[ "$MARIADB_USER" =~ ^[A-Za-z0-9_]+$ ]] || { echo "MARIADB_USER: letters, digits, _" >&2; exit 1; }

server=(mariadbd --no-defaults --datadir="$DATADIR" --socket="$SOCKET" --pid-file=/run/mysqld/mysqld.pid
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
  --innodb-buffer-pool-size="${MARIADB_BUFFER_POOL:-256M}" --max-connections=500)

if [ ! -d "$DATADIR/mysql" ]; then
  echo "stratus-mariadb: initialising $DATADIR"
  mariadb-install-db --no-defaults --datadir="$DATADIR" --auth-root-authentication-method=socket \
    --auth-root-socket-user=mysql --skip-test-db >/dev/null
  # The set-up server listens on a socket of its own: the health check pings $SOCKET, and must not
  # report healthy before the real server takes TCP connections (the migration container once
  # connected during set-up and was refused).
  INIT_SOCKET=/run/mysqld/init.sock
  "${server[@]}" --skip-networking --socket="$INIT_SOCKET" &
  pid=$!
  for _ in $(seq 1 120); do
    mariadb-admin --no-defaults --socket="$INIT_SOCKET" -umysql ping --silent 2>/dev/null && break
    sleep 0.5
  done
  pw="${MARIADB_PASSWORD//\\/\\\\}"; pw="${pw//\'/\\\'}"
  mariadb --no-defaults --socket="$INIT_SOCKET" -umysql <<SQL
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'127.0.0.1';
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
  kill -TERM "$pid"; wait "$pid" || true
fi
exec "${server[@]}" --port="$MARIADB_PORT" --bind-address="$MARIADB_BIND"
