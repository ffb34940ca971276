#!/usr/bin/env bash
# Installs what the gateway and its tests need on a fresh Debian 12 machine: PostgreSQL, OpenCV's runtime
# dependency and Haar cascades, ffmpeg; for the tests also RabbitMQ, nginx-rtmp, python3-onnx (test models),
# Azurite and the chain rig (npm).
# --run: only what running the product needs (scripts/run.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
need=()
[ -n "$MS_PG_BIN" ] || need+=(postgresql)
[ -f /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml ] || need+=(opencv-data)
[ -f /usr/share/dlib/shape_predictor_68_face_landmarks.dat ] || need+=(libdlib-data)
dpkg -s libgtk-3-0 >/dev/null 2>&1 || need+=(libgtk-3-0)
command -v ffprobe >/dev/null || need+=(ffmpeg)
command -v ss >/dev/null || need+=(iproute2) # names what holds a taken port (ms_port_holder in env.sh)
tests=true; [ "${1:-}" = "--run" ] && tests=false
if $tests; then
  command -v rabbitmq-server >/dev/null || need+=(rabbitmq-server)
  [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(nginx libnginx-mod-rtmp)
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || need+=(python3-onnx) # writes the test models with the Wav2Lip interface
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
if [ ! -x "$MS_REPO/tests/conformance/node_modules/.bin/anvil" ] || [ ! -d "$MS_REPO/tests/conformance/node_modules/@solana/kit" ]; then
  # `npm install` rather than `npm ci`: the registry copy here serves litesvm's linux-x64 binary only, so the lock
  # file has no entries for its other platforms' optional packages and `npm ci` refuses it. `npm install` still
  # installs exactly the locked versions and leaves the lock file as it is.
  echo "npm install (anvil, litesvm, solc, viem, @solana/kit, official x402 SDK; locked versions)"
  (cd "$MS_REPO/tests/conformance" && npm install --no-audit --no-fund --loglevel=error)
fi
for dir in gpu-worker/livekit-publisher web tests/viewing integrations/livekit-agents; do # LiveKit SDK, view page bundle, their tests, the agents plugin
  if [ ! -d "$MS_REPO/$dir/node_modules" ]; then
    echo "npm ci ($dir)"
    (cd "$MS_REPO/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
