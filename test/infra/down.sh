#!/usr/bin/env bash
# Stops what test/infra/up.sh started itself (the Kafka broker). The machine's Postgres, MariaDB and
# Redis are left running: they are shared with other work on the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash test/infra/kafka/kafka.sh stop
