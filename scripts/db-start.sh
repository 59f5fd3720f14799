#!/usr/bin/env bash
# Starts the project-local MariaDB (unless DATABASE_URL points elsewhere) with the dev and test databases.
source "$(dirname "$0")/lib.sh"
ensure_env_file
if [ -n "${DATABASE_URL:-}" ]; then
  log "DATABASE_URL is set: using that server, starting no local MariaDB"
  exit 0
fi
start_local_db
create_local_database stratus
create_local_database stratus_test
set_env_line DATABASE_URL "$(local_database_url stratus)"
log "MariaDB: 127.0.0.1:$DB_PORT (socket $DB_SOCK), databases stratus and stratus_test"
