#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 for pact24's store tests and print its URL.
#
# Usage: scripts/start_postgres.sh [DATA_DIR]     (default: /tmp/pact24-pg)
#   PACT24_PG_PORT   port to listen on (default 55432, on 127.0.0.1 only)
#   PG_BIN           PostgreSQL binaries (default: the newest /usr/lib/postgresql/*/bin)
#
# The cluster trusts local connections (a test database, never a real one), runs as the
# `postgres` user (initdb refuses root), and holds database `pact24_test`. Running the script
# again reuses a running cluster. Export the printed URL as PACT24_TEST_POSTGRES_URL:
#
#   export PACT24_TEST_POSTGRES_URL=$(scripts/start_postgres.sh | tail -n 1)
#
# Stop it with: runuser -u postgres -- $PG_BIN/pg_ctl -D DATA_DIR stop
set -euo pipefail

DATA_DIR="${1:-/tmp/pact24-pg}"
PORT="${PACT24_PG_PORT:-55432}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
DB=pact24_test

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

mkdir -p "$DATA_DIR"
if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$DATA_DIR"; fi
chmod 700 "$DATA_DIR"

if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
  as_postgres "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres --auth=trust -E UTF8 --no-locale \
    >"$DATA_DIR.initdb.log" 2>&1 || { cat "$DATA_DIR.initdb.log" >&2; exit 1; }
fi

if ! as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1; then
  # The socket goes to the data folder, so no system-wide /var/run/postgresql is needed.
  as_postgres "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $PORT -k $DATA_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2
fi

for _ in $(seq 1 60); do
  if as_postgres "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then break; fi
  sleep 0.5
done

exists=$(as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = '$DB'")
if [ "$exists" != "1" ]; then
  as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi

echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
