#!/usr/bin/env bash
# The README's test command (npm test): installs what is missing, builds, type-checks, runs every suite,
# then prints one summary line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus prometheus-node-exporter chromium || exit 1

mkdir -p artifacts/jest
status=0
step() {
  echo "== $*"
  "$@" || status=1
}
step npm run build -w exporter --silent
step npx tsc -p exporter/tsconfig.json
step npx tsc -p tests/tsconfig.json
step npx jest --ci -c exporter/jest.config.js --json --outputFile=artifacts/jest/exporter.json
step npx jest --ci -c tests/jest.config.js --json --outputFile=artifacts/jest/tests.json
if [ -f grafana-plugin/package.json ]; then
  step npm run build -w grafana-plugin --silent
  step npx jest --ci -c grafana-plugin/jest.config.js --rootDir grafana-plugin --json --outputFile=artifacts/jest/plugin.json
  if grep -q '"test:browser"' grafana-plugin/package.json; then
    step npm run test:browser -w grafana-plugin --silent
  fi
fi
node scripts/summarize-tests.js artifacts/jest/*.json || status=1
exit $status
