#!/usr/bin/env bash
# The load benchmark of order placement over HTTP (docs/performance.md, "Over HTTP").
#
# Builds the release binaries, then for each database: starts oms-api on a fresh database,
# runs oms-load at full speed, then at half the target rate (open loop), stops the server,
# and at the end prints the summary lines of every run.
#
#   bench/http/run.sh                  # both databases
#   DATABASES=sqlite bench/http/run.sh # one of them
#
# Settings (environment): DATABASES ("sqlite postgres"), CONNECTIONS (16), MEASURE (20
# seconds measured), WARMUP (3 seconds), BIND (127.0.0.1:8089), POSTGRES_ADMIN_URL
# (postgres://postgres@127.0.0.1:5432/postgres: a server where the database oms_load is
# dropped and created again), SQLITE_QUERY (appended to the SQLite URL, such as
# "?synchronous=normal"), SERVER_CPUS and LOAD_CPUS (CPU lists for taskset, such as 0 and
# 1: the server and the load generator each pinned; unpinned when empty), CARGO_TARGET_DIR
# (target).
#
# A measuring tool, not a test: run it on an otherwise idle machine (no compile running).
set -euo pipefail
cd "$(dirname "$0")/../.."

DATABASES=${DATABASES:-"sqlite postgres"}
CONNECTIONS=${CONNECTIONS:-16}
MEASURE=${MEASURE:-20}
WARMUP=${WARMUP:-3}
BIND=${BIND:-127.0.0.1:8089}
POSTGRES_ADMIN_URL=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
SQLITE_QUERY=${SQLITE_QUERY:-}
TARGET=${CARGO_TARGET_DIR:-target}
SERVER_CPUS=${SERVER_CPUS:-}
LOAD_CPUS=${LOAD_CPUS:-}

cargo build --release -p oms-api -p oms-load
API=("$TARGET/release/oms-api")
LOAD=("$TARGET/release/oms-load")
if [ -n "$SERVER_CPUS" ]; then API=(taskset -c "$SERVER_CPUS" "${API[@]}"); fi
if [ -n "$LOAD_CPUS" ]; then LOAD=(taskset -c "$LOAD_CPUS" "${LOAD[@]}"); fi

. bench/http/server.sh
trap stop_server EXIT

summary=""

# measure NAME DATABASE_URL TARGET_RATE
measure() {
    local name=$1 url=$2 target=$3
    local log="$TARGET/load-$name-server.log"
    start_server "$log" "$url" "${API[@]}"
    local common=(--url "http://$BIND" --database-url "$url" --server-pid "$server_pid"
        --connections "$CONNECTIONS" --seconds "$MEASURE" --warmup "$WARMUP")
    echo "== $name: full speed" >&2
    local full
    full=$("${LOAD[@]}" "${common[@]}" --rate 0)
    echo "$full"
    echo "== $name: half the target rate ($((target / 2))/s)" >&2
    local half
    half=$("${LOAD[@]}" "${common[@]}" --rate $((target / 2)))
    echo "$half"
    stop_server
    summary+=$'\n'"$name, full speed:"$'\n'"$full"$'\n'"$name, $((target / 2)) orders/s (half the target of $target):"$'\n'"$half"$'\n'
}

for database in $DATABASES; do
    case $database in
    sqlite)
        rm -f "$TARGET/load.db" "$TARGET/load.db-wal" "$TARGET/load.db-shm"
        measure sqlite "sqlite://$TARGET/load.db$SQLITE_QUERY" 1500
        ;;
    postgres)
        psql -q "$POSTGRES_ADMIN_URL" -c 'DROP DATABASE IF EXISTS oms_load' -c 'CREATE DATABASE oms_load'
        measure postgres "${POSTGRES_ADMIN_URL%/*}/oms_load" 1000
        ;;
    *)
        echo "unknown database $database: sqlite or postgres" >&2
        exit 2
        ;;
    esac
done

echo
echo "Summary ($(nproc) cores, $(date -u +%F), server on CPUs ${SERVER_CPUS:-any}, load generator on CPUs ${LOAD_CPUS:-any}):"
echo "$summary"
