# Shared settings for the local service scripts. Source it; do not run it.
# Every service listens on loopback only, under one state folder.
MS_STATE="${MIRRORSTAGE_STATE:-/tmp/mirrorstage-services}"
MS_PG_PORT="${MIRRORSTAGE_PG_PORT:-55432}"
MS_AZURITE_PORT="${MIRRORSTAGE_AZURITE_PORT:-55100}"
MS_RTMP_PORT="${MIRRORSTAGE_RTMP_PORT:-51935}"
MS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MS_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
export MS_STATE MS_PG_PORT MS_AZURITE_PORT MS_RTMP_PORT MS_REPO MS_PG_BIN
mkdir -p "$MS_STATE"

ms_wait_port() { # host port seconds name
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$4 did not open $1:$2 within $3 s" >&2
  return 1
}

# ms_fresh_database NAME: drops and recreates a database on the local PostgreSQL (benchmarks use their own, so
# the sessions they create never reach the main job's store).
ms_fresh_database() {
  PGOPTIONS=--client-min-messages=warning psql -h 127.0.0.1 -p "$MS_PG_PORT" -U postgres -d postgres -qX \
    -c "drop database if exists \"$1\" with (force)" -c "create database \"$1\"" >/dev/null
}

# ms_start_gateway PORT DATA_DIR [NAME=VALUE ...]: builds and starts the Release gateway against the local
# PostgreSQL (database MS_DATABASE, default postgres), in the background, logging to DATA_DIR/gateway.log;
# sets MS_GATEWAY_PID and waits for the port.
ms_start_gateway() {
  local port="$1" data="$2"; shift 2
  (cd "$MS_REPO" && dotnet build -c Release -v quiet --nologo functions/Mirrorstage.Functions >/dev/null)
  mkdir -p "$data"
  (cd "$data" && env ASPNETCORE_URLS="http://127.0.0.1:$port" \
    ConnectionStrings__Marten="Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=${MS_DATABASE:-postgres};Maximum Pool Size=200" \
    "$@" "$MS_REPO/functions/Mirrorstage.Functions/bin/Release/net10.0/Mirrorstage.Functions" >"$data/gateway.log" 2>&1) &
  MS_GATEWAY_PID=$!
  ms_wait_port 127.0.0.1 "$port" 60 gateway
}

# ms_cli ARGS...: the Release `mirrorstage` CLI.
ms_cli() {
  (cd "$MS_REPO" && dotnet build -c Release -v quiet --nologo cli/Mirrorstage.Cli >/dev/null)
  "$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage" "$@"
}

# ms_port_holder PORT: who listens on 127.0.0.1:PORT, as "NAME (pid N: COMMAND)"; empty when nobody does.
ms_port_holder() {
  local users pid name
  users="$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n 1)" || true
  pid="$(grep -o 'pid=[0-9]*' <<<"$users" | head -n 1 | cut -d= -f2)" || true
  name="$(grep -o '"[^"]*"' <<<"$users" | head -n 1 | tr -d '"')" || true
  if [ -n "$pid" ]; then
    echo "$name (pid $pid: $(tr '\0\n' '  ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120))"
  elif (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "a process this user cannot see"
  fi
}

# ms_port_taken PORT WHAT [VARIABLE]: one line saying what holds the port WHAT wanted, and how to choose another.
ms_port_taken() {
  echo "port $1 for $2 is taken by $(ms_port_holder "$1"); stop it${3:+ or set $3 to a free port}" >&2
}
