#!/usr/bin/env bash
# The README's test command (npm test): installs what is missing, builds, type-checks, lints, runs every suite,
# then prints one summary line "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh prometheus prometheus-node-exporter prometheus-alertmanager victoria-metrics chromium || exit 1
# the MongoDB wire server the store contract and store fault tests run against (built once, cached outside the repo)
ADA_CARBON_FERRETDB=$(bash scripts/ensure-ferretdb.sh) || exit 1
export ADA_CARBON_FERRETDB

rm -rf artifacts/jest
mkdir -p artifacts/jest
status=0
step() {
  echo "== $*"
  "$@" || status=1
}
# builds first: the CLI tests run exporter/dist, the provisioning tests look for grafana-plugin/dist
step npm run build -w exporter --silent
step npm run build -w grafana-plugin --silent
step npx tsc -p exporter/tsconfig.json
step npx tsc -p tests/tsconfig.json
step npm run typecheck -w grafana-plugin --silent
# lint every workspace: type-aware eslint, one Prettier style, no import cycles
step npx eslint exporter tests
step npm run lint -w grafana-plugin --silent
step npx prettier --check "exporter/**/*.ts" "tests/**/*.ts" "grafana-plugin/src/**/*.{ts,tsx}"
step npx madge --circular --extensions ts exporter/src
# the plugin's Grafana API use against the oldest Grafana plugin.json claims (@grafana/levitate)
step bash scripts/plugin-compat.sh
step npx jest --ci -c exporter/jest.config.js --json --outputFile=artifacts/jest/exporter.json
step npx jest --ci -c tests/jest.config.js --json --outputFile=artifacts/jest/tests.json
step npx jest --ci -c grafana-plugin/jest.config.js --rootDir grafana-plugin --json --outputFile=artifacts/jest/plugin.json
step npx jest --ci -c grafana-plugin/browser/jest.config.js --json --outputFile=artifacts/jest/plugin-browser.json
# the exporter suite again on the other supported Node LTS lines (binaries and headers from the npm registry)
step bash scripts/test-node-lts.sh 24.22.3 26.12.1
node scripts/summarize-tests.js artifacts/jest/*.json || status=1
exit $status
