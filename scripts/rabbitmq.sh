#!/usr/bin/env bash
# start | stop: RabbitMQ with its AMQP 1.0 plugin on 127.0.0.1:5672 (guest/guest from loopback), as the
# Debian service. AMQP 1.0 addresses look like /queue/NAME.
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-start}" in
  start)
    # A running RabbitMQ (its Erlang VM, beam.smp) is started again harmlessly; anything else on the port is named.
    if (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null && ! ms_port_holder 5672 | grep -q beam; then ms_port_taken 5672 RabbitMQ; exit 1; fi
    rabbitmq-plugins enable --offline rabbitmq_amqp1_0 >/dev/null
    service rabbitmq-server start >/dev/null 2>&1 || service rabbitmq-server restart >/dev/null
    ms_wait_port 127.0.0.1 5672 60 RabbitMQ
    echo "rabbitmq: amqp://guest:guest@127.0.0.1:5672 (AMQP 1.0)"
    ;;
  stop) service rabbitmq-server stop >/dev/null 2>&1 || true ;;
esac
