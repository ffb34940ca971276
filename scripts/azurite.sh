#!/usr/bin/env bash
# start | stop: Azurite's blob service on 127.0.0.1:$MS_AZURITE_PORT, data under $MS_STATE/azurite.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dir="$MS_STATE/azurite"
case "${1:-start}" in
  start)
    mkdir -p "$dir"
    if (exec 3<>"/dev/tcp/127.0.0.1/$MS_AZURITE_PORT") 2>/dev/null; then
      ms_port_holder "$MS_AZURITE_PORT" | grep -q azurite || { ms_port_taken "$MS_AZURITE_PORT" Azurite MIRRORSTAGE_AZURITE_PORT; exit 1; }
    else
      nohup "$MS_REPO/scripts/node/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$MS_AZURITE_PORT" \
        --location "$dir" --skipApiVersionCheck --silent >"$dir/log" 2>&1 &
      echo $! >"$dir/pid"
    fi
    ms_wait_port 127.0.0.1 "$MS_AZURITE_PORT" 30 Azurite
    echo "azurite: http://127.0.0.1:$MS_AZURITE_PORT/devstoreaccount1"
    ;;
  stop) [ -f "$dir/pid" ] && kill "$(cat "$dir/pid")" 2>/dev/null; rm -f "$dir/pid"; true ;;
esac
