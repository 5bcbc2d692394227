#!/usr/bin/env bash
# Checks that the OpenAPI document tells the truth: runs schemathesis against a real oms-api
# on a fresh SQLite database loaded with the demo data, once anonymously and once with an
# administrator's token. Any failure fails the run.
#
#   tests/conformance/run.sh [BIN_DIR]
#
# BIN_DIR holds oms-api and oms-admin (default: $CARGO_TARGET_DIR/debug, built first with
# `cargo build -p oms-api -p oms-admin`). SCHEMATHESIS names the command (default:
# schemathesis); CONFORMANCE_EXAMPLES bounds the cases per operation and phase (default 20).
# Extra arguments after `--` go to schemathesis.
set -euo pipefail
cd "$(dirname "$0")/../.."

bin_dir=${1:-${CARGO_TARGET_DIR:-target}/debug}
schemathesis=${SCHEMATHESIS:-schemathesis}
examples=${CONFORMANCE_EXAMPLES:-20}
shift $(( $# > 0 ? 1 : 0 )) || true
[ "${1:-}" = "--" ] && shift
extra=("$@")

for tool in "$bin_dir/oms-api" "$bin_dir/oms-admin"; do
    [ -x "$tool" ] || { echo "conformance: $tool is missing (cargo build -p oms-api -p oms-admin)" >&2; exit 1; }
done
command -v "$schemathesis" >/dev/null || { echo "conformance: $schemathesis is not installed (pip install schemathesis)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/oms-conformance-XXXXXX")
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DATABASE_URL="sqlite://$work/oms.db"
export OMS_MAIL_DIR="$work/mail"
export OMS_DOCUMENTS_DIR="$work/documents"
export OMS_LOG="${OMS_LOG:-warn}"
# A free port chosen by the system.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export OMS_BIND="127.0.0.1:$port"
base="http://$OMS_BIND"

"$bin_dir/oms-admin" demo-data >"$work/demo-data.log"
admin_login=conformance-admin@example.fr
admin_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
printf '%s\n' "$admin_password" | "$bin_dir/oms-admin" create-admin "$admin_login" --password-stdin >/dev/null

"$bin_dir/oms-api" >"$work/oms-api.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do
    curl -sf "$base/ready" >/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "conformance: oms-api stopped:" >&2; cat "$work/oms-api.log" >&2; exit 1; }
    sleep 0.1
done
curl -sf "$base/ready" >/dev/null || { echo "conformance: oms-api is not ready after 15 s" >&2; exit 1; }

token=$(curl -sf -H 'Content-Type: application/json' \
    -d "{\"login\": \"$admin_login\", \"password\": \"$admin_password\"}" \
    "$base/api/v1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

run() {
    local who=$1
    shift
    echo "== schemathesis, $who"
    # From the scratch folder: schemathesis and hypothesis keep their caches in the
    # current one.
    (cd "$work" && "$schemathesis" --config-file "$config" run "$base/api/v1/openapi.json" \
        --checks "$checks" --max-examples "$examples" --seed 1 \
        "$@" "${extra[@]}")
}

# Every check that compares the API with its document. Left out: the stateful checks
# that need links between operations the document does not declare (use_after_free,
# ensure_resource_availability) and the authorization checks (ignored_auth,
# object_level_authorization), which need tokens of several parties: the authorization
# matrix (tests/authorization) tries every operation with every role.
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance,missing_required_header,unsupported_method
config="$PWD/tests/conformance/schemathesis.toml"

status=0
run anonymous || status=1
# Logging out would revoke the token the rest of the run uses.
run administrator -H "Authorization: Bearer $token" --exclude-name 'POST /api/v1/auth/logout' || status=1
if [ "$status" -ne 0 ]; then
    echo "conformance: schemathesis found failures; the end of the server's log:" >&2
    tail -50 "$work/oms-api.log" >&2
fi
exit "$status"
