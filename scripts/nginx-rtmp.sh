#!/usr/bin/env bash
# start | stop: a real RTMP server (nginx + libnginx-mod-rtmp) on 127.0.0.1:$MS_RTMP_PORT, application "live".
set -euo pipefail
source "$(dirname "$0")/env.sh"
dir="$MS_STATE/nginx-rtmp"
case "${1:-start}" in
  start)
    mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon on;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 256; }
rtmp { server { listen 127.0.0.1:$MS_RTMP_PORT; application live { live on; record off; } } }
CONF
    if ! { [ -f "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; }; then
      if (exec 3<>"/dev/tcp/127.0.0.1/$MS_RTMP_PORT") 2>/dev/null; then ms_port_taken "$MS_RTMP_PORT" nginx-rtmp MIRRORSTAGE_RTMP_PORT; exit 1; fi
      nginx -c "$dir/nginx.conf" -p "$dir"
    fi
    ms_wait_port 127.0.0.1 "$MS_RTMP_PORT" 20 nginx-rtmp
    echo "nginx-rtmp: rtmp://127.0.0.1:$MS_RTMP_PORT/live/<key>"
    ;;
  stop) [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null; rm -f "$dir/nginx.pid"; true ;;
esac
