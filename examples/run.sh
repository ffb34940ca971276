#!/usr/bin/env bash
# Runs the example clients with Debian's python3-httpx and python3-websockets against a local `mirrorstage up`
# at price 0 (its own database on the local PostgreSQL), as a new user would. Prints one TAP-style line per
# example and `# pass N` / `# fail N`. MIRRORSTAGE_UP_PORT picks the gateway's port.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../scripts/env.sh"
fixtures="$MS_REPO/../shared/fixtures"
port="${MIRRORSTAGE_UP_PORT:-56480}"
data="$MS_STATE/examples"; rm -rf "$data"; mkdir -p "$data"
"$MS_REPO/scripts/postgres.sh" start >/dev/null || exit 1
ms_fresh_database mirrorstage_examples
(cd "$MS_REPO" && dotnet build -c Release -v quiet --nologo cli/Mirrorstage.Cli >/dev/null) || exit 1
(cd "$data" && ASPNETCORE_URLS="http://127.0.0.1:$port" \
  ConnectionStrings__Marten="Host=127.0.0.1;Port=$MS_PG_PORT;Username=postgres;Database=mirrorstage_examples" \
  exec "$MS_REPO/cli/Mirrorstage.Cli/bin/Release/net10.0/mirrorstage" up >"$data/up.log" 2>&1) &
up=$!
trap 'kill "$up" 2>/dev/null; wait "$up" 2>/dev/null' EXIT
ms_wait_port 127.0.0.1 "$port" 60 "mirrorstage up" || exit 1

pass=0 fail=0 n=0
run() { # name script args...
  local name="$1"; shift; n=$((n + 1))
  if (cd "$here" && MIRRORSTAGE_URL="http://127.0.0.1:$port" timeout 120 /usr/bin/python3 "$@") >"$data/$name.log" 2>&1; then
    pass=$((pass + 1)); echo "ok $n - example $name"; sed 's/^/#   /' "$data/$name.log"
  else
    fail=$((fail + 1)); echo "not ok $n - example $name"; sed 's/^/#   /' "$data/$name.log"
  fi
}
run speak_pcm speak_pcm.py "$fixtures/faces/astronaut.png" "$fixtures/audio/welcome_16k.wav"
run speak_mp3 speak_mp3.py "$fixtures/faces/astronaut.png" "$fixtures/audio/welcome.mp3"
echo "# pass $pass"
echo "# fail $fail"
[ "$fail" -eq 0 ]
