# Shared settings for the local service scripts. Source it; do not run it.
# Every service listens on loopback only, under one state folder.
MS_STATE="${MIRRORSTAGE_STATE:-/tmp/mirrorstage-services}"
MS_PG_PORT="${MIRRORSTAGE_PG_PORT:-55432}"
MS_AZURITE_PORT="${MIRRORSTAGE_AZURITE_PORT:-55100}"
MS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MS_PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
export MS_STATE MS_PG_PORT MS_AZURITE_PORT MS_REPO MS_PG_BIN
mkdir -p "$MS_STATE"

ms_wait_port() { # host port seconds name
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$4 did not open $1:$2 within $3 s" >&2
  return 1
}
