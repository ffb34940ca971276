#!/usr/bin/env bash
# Neural engine benchmark on this machine's CPU: writes the 96 px test model (the Wav2Lip interface, no trained
# weights), prints model ms/frame at batch 1/4/16, then the degradation path with inference made artificially slow
# (frames delivered per second counted in the encoded file, frames that fell back, A/V offset measured in that file,
# and a PASS/FAIL verdict against 25 frames/s and 40 ms), and the x264 encode's CPU per frame and sessions per core
# for each preset. Exits 1 when the verdict is FAIL (after the encode figures).
# A model of your own: bash scripts/bench-neural.sh path/to/model.onnx
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh" >/dev/null
cd "$MS_REPO"
model="${1:-$MS_STATE/models/wav2lip-test-96.onnx}"
if [ $# -eq 0 ]; then
  mkdir -p "$MS_STATE/models"
  /usr/bin/python3 scripts/make-wav2lip-test-model.py --size 96 --out "$model"
fi
dotnet build -c Release -v quiet --nologo bench/Mirrorstage.Bench.Worker >/dev/null
verdict=0
"$MS_REPO/bench/Mirrorstage.Bench.Worker/bin/Release/net10.0/Mirrorstage.Bench.Worker" neural "$model" "${@:2}" || verdict=$?
"$MS_REPO/bench/Mirrorstage.Bench.Worker/bin/Release/net10.0/Mirrorstage.Bench.Worker" encode
exit "$verdict"
