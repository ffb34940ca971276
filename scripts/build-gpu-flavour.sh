#!/usr/bin/env bash
# Builds the render worker with the GPU flavour of ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu.Linux: CUDA 12 +
# cuDNN 9 execution providers) from a copy of the sources, so its restore never mixes with the CPU build's obj/.
# No GPU is needed to build it; running it with ExecutionProvider=cuda needs the CUDA libraries (see the README).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
out="$MS_STATE/gpu-flavour"
rm -rf "$out/src" && mkdir -p "$out/src"
tar -C "$MS_REPO" --exclude=bin --exclude=obj --exclude=packages.lock.json -cf - Directory.Build.props Directory.Packages.props nuget.config \
  events infrastructure imaging gpu-worker | tar -C "$out/src" -xf -
dotnet build "$out/src/gpu-worker/Mirrorstage.GpuWorker" -c Release -v quiet --nologo -p:OnnxRuntimeFlavor=gpu -p:RestoreLockedMode=false
bin="$out/src/gpu-worker/Mirrorstage.GpuWorker/bin/Release/net10.0"
ls "$bin"/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so >/dev/null \
  || { echo "gpu flavour: the CUDA execution provider is missing from $bin" >&2; exit 1; }
echo "gpu flavour built: $bin (CUDA execution provider included)"
