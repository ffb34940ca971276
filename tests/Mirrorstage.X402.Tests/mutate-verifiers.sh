#!/usr/bin/env bash
# Proves every verifier rule is guarded by a test: disables one rule at a time (in a scratch copy of the repo)
# and runs the verifier tests; each mutant must be "killed". NOBUILD marks a rule whose removal does not even
# compile (its check binds what the next rules read). Prints one line per rule; takes ~15 min on 2 cores.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
mkdir -p "$work/tests"
cp -r "$repo"/{Directory.Build.props,Directory.Packages.props,nuget.config,x402} "$work/"
cp -r "$repo/tests/Directory.Build.props" "$repo/tests/Mirrorstage.X402.Tests" "$work/tests/"
find "$work" -name bin -o -name obj | xargs rm -rf
cd "$work"
tests() { dotnet test tests/Mirrorstage.X402.Tests --no-build -v q >/dev/null 2>&1; }
# Unmutated, every test passes: a failing test would "kill" every mutant.
dotnet build tests/Mirrorstage.X402.Tests -v q >/dev/null 2>&1 && tests || { echo "the verifier tests fail without any mutation" >&2; exit 1; }
survived=0
run() {
  if ! dotnet build tests/Mirrorstage.X402.Tests -v q >/dev/null 2>&1; then echo "NOBUILD  $1"; return; fi
  if tests; then echo "SURVIVED $1"; survived=$((survived + 1)); else echo "killed   $1"; fi
}
for f in x402/Mirrorstage.X402/Evm/EvmExactVerifier.cs x402/Mirrorstage.X402/Svm/SvmExactVerifier.cs; do
  cp "$f" "$f.orig"
  for n in $(grep -n "return Invalid(" "$f.orig" | cut -d: -f1); do
    sed "${n}s/return Invalid(/_ = Invalid(/" "$f.orig" > "$f"
    run "$(basename "$f"):$n $(sed -n "${n}p" "$f.orig" | grep -o 'Invalid("[a-z_0-9]*"')"
  done
  sed 's/payload.Accepted.Network != requirements.Network || //' "$f.orig" > "$f"; run "$(basename "$f") network equality"
  cp "$f.orig" "$f"
done
[ "$survived" -eq 0 ] || { echo "$survived mutant(s) survived" >&2; exit 1; }
