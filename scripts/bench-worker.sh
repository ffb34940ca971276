#!/usr/bin/env bash
# Worker benchmark: the real frame loop, procedural engine and ffmpeg encoder (to /dev/null) on this machine.
# Prints render and encode cost per frame, concurrent real-time sessions per core, and audio-to-frame latency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh" >/dev/null
cd "$MS_REPO"
dotnet build -c Release -v quiet --nologo bench/Mirrorstage.Bench.Worker >/dev/null
"$MS_REPO/bench/Mirrorstage.Bench.Worker/bin/Release/net10.0/Mirrorstage.Bench.Worker" "$@"
