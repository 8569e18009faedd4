#!/usr/bin/env bash
# Brings up every real service the test suite talks to, idempotently, on a fresh or a warm machine:
# Postgres, MariaDB, Redis, RabbitMQ, Mosquitto and NATS (normally already running here), Prometheus (Debian package) and a
# single-node Kafka broker (jars from Maven Central). Prints how long each phase took.
set -euo pipefail
cd "$(dirname "$0")/../.."

t() { date +%s.%N; }
phase() { printf '[infra] %-28s %6.1f s\n' "$1" "$(echo "$(t) - $2" | bc)"; }

start=$(t)
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "[infra] starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "[infra] PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
phase postgres "$start"

start=$(t)
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "[infra] starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "[infra] Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
phase redis "$start"

start=$(t)
if ! mysqladmin -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; then
  echo "[infra] starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 100); do mysqladmin -h 127.0.0.1 -u root ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
mysqladmin -h 127.0.0.1 -P 3306 -u root ping >/dev/null || { echo "[infra] MariaDB is not reachable on 127.0.0.1:3306" >&2; exit 1; }
phase mariadb "$start"

# The messaging brokers of the integration steps (Debian packages, running on every machine of this
# kind): started with the machine's own commands when one is down (DESIGN.md §6).
wait_port() { for _ in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start=$(t)
if ! port_open 5672; then
  echo "[infra] starting RabbitMQ"
  rabbitmq-server -detached
  wait_port 5672 || { echo "[infra] RabbitMQ did not open 127.0.0.1:5672" >&2; exit 1; }
fi
phase rabbitmq "$start"
start=$(t)
if ! port_open 1883; then
  echo "[infra] starting Mosquitto"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_port 1883 || { echo "[infra] Mosquitto did not open 127.0.0.1:1883" >&2; exit 1; }
fi
phase mosquitto "$start"
start=$(t)
if ! port_open 4222; then
  echo "[infra] starting NATS (JetStream)"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_port 4222 || { echo "[infra] NATS did not open 127.0.0.1:4222" >&2; exit 1; }
fi
phase nats "$start"

start=$(t)
bash test/infra/prometheus/install.sh
phase "prometheus (install check)" "$start"

# Installs a Debian package when its command is missing (as root; CI runs as root on a fresh machine).
ensure_debian_package() {
  local command=$1 package=$2
  command -v "$command" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "[infra] $command is missing; install Debian's $package (needs root)" >&2
    exit 1
  fi
  echo "[infra] installing $command ($package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package"
}

start=$(t)
# xmllint validates the JUnit XML reports against test/suites/fixtures/junit.xsd (Debian libxml2-utils; no daemon).
ensure_debian_package xmllint libxml2-utils
phase "xmllint (install check)" "$start"

start=$(t)
# The browser tests (test/web/browser-*.e2e-spec.ts) drive Debian's Chromium through playwright-core;
# playwright's own browser download cannot reach its CDN here, the Debian package can.
ensure_debian_package chromium chromium
phase "chromium (install check)" "$start"

start=$(t)
bash test/infra/kafka/kafka.sh start
phase "kafka broker" "$start"
