#!/usr/bin/env bash
# The test command: installs what is missing, starts the real services on loopback, runs every test
# project, stops the services. Extra arguments go to `dotnet test` (e.g. --filter Payment).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/env.sh"
"$here/install-deps.sh"
"$here/testdata.sh"
trap '"$here/services.sh" stop' EXIT
"$here/services.sh" start
cd "$MS_REPO"
dotnet test Mirrorstage.sln --nologo -v quiet "$@"
