#!/usr/bin/env bash
# start | stop: every real service the tests use, on loopback.
set -euo pipefail
here="$(dirname "$0")"
case "${1:-start}" in
  start) "$here/postgres.sh" start; "$here/azurite.sh" start; "$here/rabbitmq.sh" start; "$here/nginx-rtmp.sh" start ;;
  stop) "$here/nginx-rtmp.sh" stop; "$here/rabbitmq.sh" stop; "$here/azurite.sh" stop; "$here/postgres.sh" stop ;;
esac
