#!/usr/bin/env bash
# The main job, all in one: PostgreSQL on loopback, then `mirrorstage up` (gateway + render worker in one
# process, in-process queue, HLS preview) on http://127.0.0.1:5080, then a demo that creates a session with
# the fixture face, waits until it is live, speaks to it over the WebSocket while recording its preview to
# data/demo.mp4 (with data/demo-mouth.png, a contact sheet of the mouth across the utterance), saves a frame
# of the preview to data/demo-frame.png and walks the session through share, extend and end. The service keeps running until
# Ctrl-C; --demo-only stops after the demo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh" --run
port="${MIRRORSTAGE_PORT:-5080}"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  ms_port_taken "$port" "the gateway" MIRRORSTAGE_PORT; exit 1
fi
# A PostgreSQL this run starts is stopped when it ends; one already serving the port is shared and left alone.
"$here/postgres.sh" running && started_pg=false || started_pg=true
"$here/postgres.sh" start
cd "$MS_REPO"
dotnet build -c Release -v quiet --nologo cli/Mirrorstage.Cli >/dev/null
mkdir -p data
ConnectionStrings__Marten="Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=postgres" \
  "$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage" up --urls "http://127.0.0.1:$port" >data/mirrorstage.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; if $started_pg; then "$here/postgres.sh" stop; fi' EXIT
ms_wait_port 127.0.0.1 "$port" 60 mirrorstage
echo "mirrorstage (gateway + worker): http://127.0.0.1:$port (log: data/mirrorstage.log)"
"$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage" demo --url "http://127.0.0.1:$port"
[ "${1:-}" = "--demo-only" ] && exit 0
echo; echo "still serving on http://127.0.0.1:$port; Ctrl-C to stop"
wait "$pid"
