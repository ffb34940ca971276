#!/usr/bin/env bash
# Installs what the gateway and its tests need on a fresh Debian 12 machine: PostgreSQL, OpenCV's runtime
# dependency and Haar cascades, ffmpeg; for the tests also RabbitMQ, nginx-rtmp, Azurite and the chain rig (npm).
# --run: only what running the product needs (scripts/run.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
need=()
[ -n "$MS_PG_BIN" ] || need+=(postgresql)
[ -f /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml ] || need+=(opencv-data)
[ -f /usr/share/dlib/shape_predictor_68_face_landmarks.dat ] || need+=(libdlib-data)
dpkg -s libgtk-3-0 >/dev/null 2>&1 || need+=(libgtk-3-0)
command -v ffprobe >/dev/null || need+=(ffmpeg)
tests=true; [ "${1:-}" = "--run" ] && tests=false
if $tests; then
  command -v rabbitmq-server >/dev/null || need+=(rabbitmq-server)
  [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(nginx libnginx-mod-rtmp)
  [ -x /usr/bin/chromium ] || need+=(chromium)                                        # the view page's browser tests
  dpkg -s python3-httpx python3-websockets >/dev/null 2>&1 || need+=(python3-httpx python3-websockets) # examples/
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "apt-get install ${need[*]}"
  [ "$(id -u)" = 0 ] && SUDO="" || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v psql >/dev/null || { echo "psql missing: apt-get install postgresql-client" >&2; exit 1; }
$tests || exit 0
if [ ! -x "$MS_REPO/scripts/node/node_modules/.bin/azurite-blob" ]; then
  echo "npm ci (azurite)"
  (cd "$MS_REPO/scripts/node" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -x "$MS_REPO/tests/conformance/node_modules/.bin/anvil" ]; then
  echo "npm ci (anvil, solc, viem, official x402 SDK)"
  (cd "$MS_REPO/tests/conformance" && npm ci --no-audit --no-fund --loglevel=error)
fi
for dir in gpu-worker/livekit-publisher web tests/viewing integrations/livekit-agents; do # LiveKit SDK, view page bundle, their tests, the agents plugin
  if [ ! -d "$MS_REPO/$dir/node_modules" ]; then
    echo "npm ci ($dir)"
    (cd "$MS_REPO/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
