#!/usr/bin/env bash
# start | stop | running | url: a private PostgreSQL on 127.0.0.1:$MS_PG_PORT under $MS_STATE/pg (or, when
# another state folder's PostgreSQL already serves that port, that one, shared and left running).
# PostgreSQL refuses to run as root, so its tools run as the postgres user when we are root.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dir="$MS_STATE/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-start}" in
  start)
    mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
    [ -f "$dir/data/PG_VERSION" ] || as_pg "$MS_PG_BIN/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
    if ! as_pg "$MS_PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      if (exec 3<>"/dev/tcp/127.0.0.1/$MS_PG_PORT") 2>/dev/null; then
        # Another state folder's PostgreSQL (an earlier run, the tests) on this port: share it, never stop it.
        if psql -h 127.0.0.1 -p "$MS_PG_PORT" -U postgres -d postgres -qXtAc "select 1" >/dev/null 2>&1; then
          echo "postgres: reusing the PostgreSQL on 127.0.0.1:$MS_PG_PORT, $(ms_port_holder "$MS_PG_PORT")"
          exit 0
        fi
        ms_port_taken "$MS_PG_PORT" PostgreSQL MIRRORSTAGE_PG_PORT; exit 1
      fi
      as_pg "$MS_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
        -o "-p $MS_PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off" start >/dev/null
    fi
    ms_wait_port 127.0.0.1 "$MS_PG_PORT" 30 PostgreSQL
    echo "postgres: Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres"
    ;;
  stop) [ -d "$dir/data" ] && as_pg "$MS_PG_BIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true ;;
  running) as_pg "$MS_PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 ;;
  url) echo "Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=postgres" ;;
esac
