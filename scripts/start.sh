#!/usr/bin/env bash
# Quick start: installs what is missing, builds, then runs `ada-carbon serve`.
# With no prometheus.url configured it starts a local Prometheus + node_exporter and tracks this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus prometheus-node-exporter
npm run build -w exporter --silent
exec node exporter/dist/cli.js serve "$@"
