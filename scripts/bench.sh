#!/usr/bin/env bash
# Benchmark: starts PostgreSQL and a Release gateway (price 0) on loopback, runs `mirrorstage bench`
# against it and prints the figures. Extra arguments go to the bench (e.g. --concurrency 64 --seconds 20).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh"
"$here/postgres.sh" start
port="${MIRRORSTAGE_BENCH_PORT:-5090}"
cd "$MS_REPO"
dotnet build -c Release -v quiet --nologo functions/Mirrorstage.Functions >/dev/null
dotnet build -c Release -v quiet --nologo cli/Mirrorstage.Cli >/dev/null
data="$MS_STATE/bench-gateway"; rm -rf "$data"; mkdir -p "$data"
(cd "$data" && ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
  ConnectionStrings__Marten="Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=postgres;Maximum Pool Size=200" \
  "$MS_REPO/functions/Mirrorstage.Functions/bin/Release/net10.0/Mirrorstage.Functions" >"$data/log" 2>&1) &
gw=$!
trap 'kill $gw 2>/dev/null || true' EXIT
ms_wait_port 127.0.0.1 "$port" 60 gateway
"$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage" bench --url "http://127.0.0.1:$port" "$@"
