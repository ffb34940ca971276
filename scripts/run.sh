#!/usr/bin/env bash
# The main job, all in one: PostgreSQL on loopback, the gateway on http://127.0.0.1:5080, a demo that walks
# a session through its life with the fixture face, then the gateway keeps serving until Ctrl-C.
# --demo-only stops after the demo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh"
"$here/postgres.sh" start
port="${MIRRORSTAGE_PORT:-5080}"
ms_start_gateway "$port" "$MS_REPO/data" Mirrorstage__Gateway__AllowPrivateOutputHosts=true
trap 'kill $MS_GATEWAY_PID 2>/dev/null || true' EXIT
echo "gateway: http://127.0.0.1:$port (log: data/gateway.log)"
ms_cli demo --url "http://127.0.0.1:$port"
[ "${1:-}" = "--demo-only" ] && exit 0
echo; echo "gateway still serving on http://127.0.0.1:$port; Ctrl-C to stop"
wait "$MS_GATEWAY_PID"
