#!/usr/bin/env bash
# npm run bench: every benchmark script, each printing its own table of ratios measured in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus prometheus-node-exporter
npm run bench -w exporter
