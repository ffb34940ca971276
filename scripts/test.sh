#!/usr/bin/env bash
# The test command: installs what is missing, starts the real services on loopback, runs every .NET test
# project and then the x402 conformance suite (anvil + the official client), stops the services, and
# closes with one line of totals. Extra arguments go to `dotnet test` (e.g. --filter Payment).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh" || exit 1
"$here/testdata.sh" || exit 1
trap '"$here/services.sh" stop' EXIT
"$here/services.sh" start || exit 1
cd "$MS_REPO"
log="$MS_STATE/test-logs"; mkdir -p "$log"
# Locked, here as in CI: the packages are those the lock files record, or the run stops (see README "Building: packages").
dotnet restore --locked-mode Mirrorstage.sln --nologo -v quiet || { echo "restore: the lock files do not match the project files (README: Building: packages)" >&2; exit 1; }
# Both ONNX Runtime flavours build; the tests run the CPU one (no GPU here).
"$here/build-gpu-flavour.sh" >"$log/gpu-flavour.txt" 2>&1; gpu_rc=$?
tail -n 1 "$log/gpu-flavour.txt"

# A test that makes no progress for 10 minutes is stopped and named (blame), so a hang fails the run instead of
# outlasting it.
dotnet test Mirrorstage.sln --nologo --no-restore --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log/dotnet.txt"
dotnet_rc=${PIPESTATUS[0]}
# A Node suite (folder, its test folder), one test at a time; a test that runs past 10 minutes fails.
node_suite() { (cd "$1" && MIRRORSTAGE_PG_PORT="$MS_PG_PORT" node --test --test-concurrency=1 --test-timeout=600000 "$2"); }
: >"$log/conformance.txt"
node_rc=0
node_suite tests/conformance conformance/ 2>&1 | tee -a "$log/conformance.txt"
node_rc=$(( node_rc | PIPESTATUS[0] ))
# LiveKit tokens (official TokenVerifier) and the view page in headless Chromium, against `mirrorstage up`;
# the avatar convention against LiveKit Agents' own sender code.
node_suite tests/viewing test/ 2>&1 | tee -a "$log/conformance.txt"
node_rc=$(( node_rc | PIPESTATUS[0] ))
node_suite integrations/livekit-agents test/ 2>&1 | tee -a "$log/conformance.txt"
node_rc=$(( node_rc | PIPESTATUS[0] ))
bash examples/run.sh 2>&1 | tee -a "$log/conformance.txt" # the Python example clients (Debian's httpx, websockets)
node_rc=$(( node_rc | PIPESTATUS[0] ))

sum() { grep -oE "$1" "$2" | grep -oE '[0-9]+' | paste -sd+ - | bc; }
passed=$(( $(sum 'Passed: +[0-9]+' "$log/dotnet.txt" || echo 0) + $(sum '^# pass [0-9]+' "$log/conformance.txt" || echo 0) ))
failed=$(( $(sum 'Failed: +[0-9]+' "$log/dotnet.txt" || echo 0) + $(sum '^# fail [0-9]+' "$log/conformance.txt" || echo 0) ))
[ "$dotnet_rc" -eq 0 ] && [ "$node_rc" -eq 0 ] && [ "$gpu_rc" -eq 0 ] || failed=$(( failed > 0 ? failed : 1 ))
echo
if [ "$failed" -gt 0 ]; then # name what failed last, where a log's tail shows it
  echo "failed:"
  grep -hE -A6 '^\s+Failed [A-Za-z_]+\.[A-Za-z_.]+' "$log/dotnet.txt" | cut -c1-300
  grep -hE -A1 'inactivity time|The test running when the crash occurred' "$log/dotnet.txt" | sed 's/^\s*/  /'
  grep -hE '^\s*not ok ' "$log/conformance.txt" | sed 's/^\s*/  /'
  [ "$gpu_rc" -eq 0 ] || echo "  the GPU-flavour build (see $log/gpu-flavour.txt)"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
