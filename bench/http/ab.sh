#!/usr/bin/env bash
# Two builds of oms-api side by side: the one comparison the machine's drift does not blur
# (docs/performance.md). Alternates them, each on a fresh database, at full speed, and
# prints one line per run.
#
#   cp target/release/oms-api /tmp/before    # build, copy, change, build again, then:
#   bench/http/ab.sh /tmp/before target/release/oms-api
#
# Settings (environment): DATABASE (sqlite or postgres; sqlite), PAIRS (3), MEASURE (15
# seconds measured), WARMUP (3), CONNECTIONS (16), BIND (127.0.0.1:8091),
# POSTGRES_ADMIN_URL (as in run.sh: the database oms_ab is dropped and created again),
# CARGO_TARGET_DIR (target, where oms-load is built).
#
# A measuring tool, not a test: run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ $# -ne 2 ]; then
    echo "usage: $0 BEFORE_BINARY AFTER_BINARY" >&2
    exit 2
fi
DATABASE=${DATABASE:-sqlite}
PAIRS=${PAIRS:-3}
MEASURE=${MEASURE:-15}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-16}
BIND=${BIND:-127.0.0.1:8091}
POSTGRES_ADMIN_URL=${POSTGRES_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}

cargo build --release -p oms-load
. bench/http/server.sh
trap stop_server EXIT

# run LABEL BINARY
run() {
    local label=$1 binary=$2 url
    case $DATABASE in
    sqlite)
        rm -f "$TARGET/ab.db" "$TARGET/ab.db-wal" "$TARGET/ab.db-shm"
        url="sqlite://$TARGET/ab.db"
        ;;
    postgres)
        psql -q "$POSTGRES_ADMIN_URL" -c 'DROP DATABASE IF EXISTS oms_ab' -c 'CREATE DATABASE oms_ab'
        url="${POSTGRES_ADMIN_URL%/*}/oms_ab"
        ;;
    *)
        echo "unknown database $DATABASE: sqlite or postgres" >&2
        exit 2
        ;;
    esac
    start_server "$TARGET/ab-server.log" "$url" "$binary"
    local line
    line=$("$TARGET/release/oms-load" --url "http://$BIND" --database-url "$url" \
        --server-pid "$server_pid" --connections "$CONNECTIONS" --seconds "$MEASURE" \
        --warmup "$WARMUP" --rate 0 2>/dev/null | grep 'orders=')
    stop_server
    echo "$label: $line"
}

for pair in $(seq "$PAIRS"); do
    run "pair $pair, before" "$1"
    run "pair $pair, after " "$2"
done
