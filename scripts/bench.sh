#!/usr/bin/env bash
# Benchmark: starts PostgreSQL and a Release gateway (price 0) on loopback, runs `mirrorstage bench`
# against it and prints the figures. Extra arguments go to the bench (e.g. --concurrency 64 --seconds 20).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh"
"$here/postgres.sh" start
port="${MIRRORSTAGE_BENCH_PORT:-5090}"
rm -rf "$MS_STATE/bench-gateway"
ms_fresh_database mirrorstage_bench
export MS_DATABASE=mirrorstage_bench
ms_start_gateway "$port" "$MS_STATE/bench-gateway" Logging__LogLevel__Default=Warning \
  Mirrorstage__Capacity__ScaleOutHeadroom=100000 Mirrorstage__RateLimits__Enabled=false # no worker, one client: measure the path, not the guards
trap 'kill $MS_GATEWAY_PID 2>/dev/null || true' EXIT
ms_cli bench --url "http://127.0.0.1:$port" "$@"
