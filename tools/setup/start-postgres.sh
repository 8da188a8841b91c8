#!/usr/bin/env bash
# Creates a throw-away PostgreSQL cluster in a folder, starts it on 127.0.0.1, creates a
# database with the vector extension and prints its DATABASE_URL on stdout (logs go to stderr).
# Stop it with: pg_ctl -D DIR/data stop (as the postgres user when started as root).
#
# Usage: tools/setup/start-postgres.sh DIR [PORT] [DATABASE]
#   DIR       folder for the cluster, created when missing; an existing cluster there is reused
#   PORT      TCP port (default 55432)
#   DATABASE  database name (default dim)
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 DIR [PORT] [DATABASE]" >&2
  exit 2
fi
DIR="$(mkdir -p "$1" && cd "$1" && pwd)"
PORT="${2:-55432}"
DATABASE="${3:-dim}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATA="$DIR/data"

if [[ ! -x "$PG_BIN/initdb" ]]; then
  echo "error: initdb not found in $PG_BIN; set PG_BIN to your PostgreSQL bin folder" >&2
  exit 1
fi

# PostgreSQL refuses to run as root, so a root caller runs the server as the postgres user.
run_as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    chown -R postgres:postgres "$DIR"
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}
DB_USER="$(if [[ "$(id -u)" == 0 ]]; then echo postgres; else id -un; fi)"

if [[ ! -f "$DATA/PG_VERSION" ]]; then
  run_as_owner "$PG_BIN/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --no-locale > "$DIR/initdb.log"
fi

if ! run_as_owner "$PG_BIN/pg_ctl" -D "$DATA" status > /dev/null 2>&1; then
  # Sockets go in DIR so no system folder is needed; only 127.0.0.1 is listened on.
  run_as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=200" start >&2
fi

if ! run_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
  run_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" "$DATABASE"
fi
if ! run_as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DATABASE" -v ON_ERROR_STOP=1 -qc \
  "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS vector" >&2; then
  echo "error: the vector extension is missing; run tools/setup/install-pgvector.sh first" >&2
  exit 1
fi

echo "postgresql://$DB_USER@127.0.0.1:$PORT/$DATABASE"
