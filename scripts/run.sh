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
cd "$MS_REPO"
dotnet build -c Release -v quiet --nologo functions/Mirrorstage.Functions >/dev/null
dotnet build -c Release -v quiet --nologo cli/Mirrorstage.Cli >/dev/null
data="$MS_REPO/data"; mkdir -p "$data"
(cd "$data" && ASPNETCORE_URLS="http://127.0.0.1:$port" \
  ConnectionStrings__Marten="Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=postgres" \
  Mirrorstage__Gateway__AllowPrivateOutputHosts=true \
  "$MS_REPO/functions/Mirrorstage.Functions/bin/Release/net10.0/Mirrorstage.Functions" >"$data/gateway.log" 2>&1) &
gw=$!
trap 'kill $gw 2>/dev/null || true' EXIT
ms_wait_port 127.0.0.1 "$port" 60 gateway
echo "gateway: http://127.0.0.1:$port (log: data/gateway.log)"
"$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage" demo --url "http://127.0.0.1:$port"
[ "${1:-}" = "--demo-only" ] && exit 0
echo; echo "gateway still serving on http://127.0.0.1:$port; Ctrl-C to stop"
wait $gw
