#!/usr/bin/env bash
# The audit's replay benchmark. For each size (default 100,000 and 1,000,000 billing events) it makes a database of
# its own (mirrorstage_audit_bench_N, new each run), fills it with `mirrorstage audit generate` (COPY through the
# chain trigger, as appends are linked), then replays it to CSV on /dev/null with `--stats`, which prints events/s,
# the process's CPU time and its peak working set. Usage: bash scripts/bench-audit.sh [N ...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$MS_REPO/scripts/postgres.sh" start >/dev/null
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
dotnet build "$MS_REPO/cli/Mirrorstage.Cli" -c Release -v q --nologo >/dev/null
cli="$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage.dll"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
for events in "${sizes[@]}"; do
  db="mirrorstage_audit_bench_$events"
  PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -p "$MS_PG_PORT" -U postgres -d postgres -qX \
    -c "drop database if exists $db with (force)" -c "create database $db"
  export ConnectionStrings__Marten="Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=$db"
  dotnet "$cli" audit generate --events "$events"
  dotnet "$cli" audit replay --format csv --stats --progress never > /dev/null
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
