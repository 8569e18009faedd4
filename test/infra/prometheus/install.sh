#!/usr/bin/env bash
# Installs Prometheus 2.42 (Debian bookworm package) for the test fixture.
# Idempotent: does nothing if both binaries are already present.
# Never lets the package start a daemon (guards invoke-rc.d with policy-rc.d).
set -euo pipefail

if [[ -x /usr/bin/prometheus && -x /usr/bin/promtool ]]; then
  echo "prometheus already installed: $(/usr/bin/prometheus --version 2>&1 | head -n1)"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install.sh must run as root (apt-get)" >&2
  exit 1
fi

start_ns=$(date +%s%N)
POLICY=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
  if [[ $created_policy -eq 1 ]]; then
    rm -f "$POLICY"
  fi
}
trap cleanup EXIT

if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# temporary: written by test/infra/prometheus/install.sh\nexit 101\n' > "$POLICY"
  chmod 0755 "$POLICY"
  created_policy=1
fi

apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus

end_ns=$(date +%s%N)
echo "prometheus installed: $(/usr/bin/prometheus --version 2>&1 | head -n1)"
awk -v ns="$((end_ns - start_ns))" 'BEGIN { printf "install took %.1f s\n", ns / 1e9 }'
