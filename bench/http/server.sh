# Starting and stopping oms-api for the HTTP benchmarks; sourced by run.sh and ab.sh.
#
#   start_server LOG DATABASE_URL COMMAND...   # sets server_pid once /ready answers
#   stop_server                                # SIGTERM, then waits for it to end
#
# Uses BIND. The outbox worker (invoices, emails) is measured apart: off here, unless
# OMS_OUTBOX_WORKER says otherwise.

server_pid=""

start_server() {
    local log=$1 url=$2
    shift 2
    DATABASE_URL="$url" OMS_BIND="$BIND" OMS_OUTBOX_WORKER="${OMS_OUTBOX_WORKER:-off}" "$@" >"$log" 2>&1 &
    server_pid=$!
    # The server migrates the fresh database before it listens: wait until it is ready.
    for _ in $(seq 100); do
        if curl -sf "http://$BIND/ready" >/dev/null; then return 0; fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "oms-api stopped; its log, $log:" >&2
            cat "$log" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "oms-api did not get ready in 10 s; its log, $log:" >&2
    cat "$log" >&2
    exit 1
}

stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
