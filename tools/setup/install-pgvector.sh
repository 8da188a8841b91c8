#!/usr/bin/env bash
# Builds and installs the pgvector extension for the local PostgreSQL server from Debian's
# source package. Debian bookworm has no pgvector package, but trixie's source builds against
# PostgreSQL 15 in seconds. Idempotent: exits at once when the extension is already installed.
#
# Usage: sudo tools/setup/install-pgvector.sh [PG_CONFIG]
#   PG_CONFIG  pg_config of the target server (default /usr/lib/postgresql/15/bin/pg_config)
set -euo pipefail

PG_CONFIG="${1:-${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}}"
if [[ ! -x "$PG_CONFIG" ]]; then
  echo "error: pg_config not found at $PG_CONFIG; pass the pg_config of your PostgreSQL server" >&2
  exit 1
fi

SHARE_DIR="$("$PG_CONFIG" --sharedir)"
LIB_DIR="$("$PG_CONFIG" --pkglibdir)"
if [[ -f "$SHARE_DIR/extension/vector.control" && -f "$LIB_DIR/vector.so" ]]; then
  echo "pgvector is already installed for $("$PG_CONFIG" --version) ($LIB_DIR/vector.so)"
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  echo "error: installing packages and the extension needs root; rerun with sudo" >&2
  exit 1
fi

PG_MAJOR="$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
SOURCES_FILE=/etc/apt/sources.list.d/trixie-src.list
if ! grep -qs '^deb-src .* trixie main' "$SOURCES_FILE"; then
  echo 'deb-src http://deb.debian.org/debian trixie main' > "$SOURCES_FILE"
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  build-essential dpkg-dev "postgresql-server-dev-$PG_MAJOR" > /dev/null

BUILD_DIR="$(mktemp -d /tmp/pgvector-build.XXXXXX)"
trap 'rm -rf "$BUILD_DIR"' EXIT
# apt-get source downloads as the _apt user, which must be able to enter the folder.
chmod 755 "$BUILD_DIR"
cd "$BUILD_DIR"
apt-get source -qq pgvector > /dev/null
cd pgvector-*/
# OPTFLAGS="" leaves out -march=native so the library also runs on other CPUs of the same architecture.
make -s PG_CONFIG="$PG_CONFIG" OPTFLAGS=""
make -s PG_CONFIG="$PG_CONFIG" install
echo "pgvector $(grep default_version vector.control | cut -d"'" -f2) installed for PostgreSQL $PG_MAJOR"
