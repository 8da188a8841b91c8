#!/usr/bin/env bash
# Stops a cluster started by start-postgres.sh and deletes its folder.
#
# Usage: tools/setup/stop-postgres.sh DIR [--keep]
#   DIR     the folder given to start-postgres.sh
#   --keep  stop the server but keep the folder
# Environment: PG_BIN (default /usr/lib/postgresql/15/bin).
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 DIR [--keep]" >&2
  exit 2
fi
DIR="$1"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
DATA="$DIR/data"

if [[ -f "$DATA/postmaster.pid" ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop)" >&2
  else
    "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  fi
fi
if [[ "${2:-}" != "--keep" ]]; then
  rm -rf "$DIR"
fi
