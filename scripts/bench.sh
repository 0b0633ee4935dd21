#!/usr/bin/env bash
# npm run bench: every benchmark script, each printing its own table of ratios measured in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus prometheus-node-exporter chromium
npm run bench -w exporter
if [ -f grafana-plugin/package.json ]; then npm run bench -w grafana-plugin; fi
