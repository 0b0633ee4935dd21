#!/usr/bin/env bash
# Checks the panel plugin's use of the Grafana packages against the oldest Grafana its plugin.json claims, with
# @grafana/levitate. levitate reads the project's top-level dependencies with `npm list --depth 0`, which inside the
# npm workspace does not show the plugin's @grafana packages (it skips them and passes without checking anything), so
# it runs in a scratch project that lists them and links the installed node_modules.
#   scripts/plugin-compat.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
min=$(node -p "require('./grafana-plugin/src/plugin.json').dependencies.grafanaDependency.match(/>=\s*([0-9.]+)/)[1]")
installed=$(node -p "require('@grafana/data/package.json').version")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkgs=(@grafana/data @grafana/ui @grafana/runtime)
deps=$(printf '"%s":"'"$installed"'",' "${pkgs[@]}")
echo "{\"name\":\"plugin-compat\",\"private\":true,\"dependencies\":{${deps%,}}}" > "$tmp/package.json"
ln -s "$root/node_modules" "$tmp/node_modules"
cp -R grafana-plugin/src "$tmp/src"
targets=$(printf '%s@'"$min"',' "${pkgs[@]}")
cd "$tmp"
out=$("$root/node_modules/.bin/levitate" is-compatible --path src/module.ts --target "${targets%,}" 2>&1) || {
  echo "$out"
  exit 1
}
echo "$out" | grep -E 'Checking compatibility|Found .* locally|compatible' || true
# a package levitate could not see was not checked: that is a failure, not a pass
if echo "$out" | grep -q 'Skipping package'; then
  echo "plugin-compat: levitate skipped a package, so nothing was compared" >&2
  exit 1
fi
[ "$(echo "$out" | grep -c 'Found .* locally')" -eq ${#pkgs[@]} ] || { echo "plugin-compat: not every package was compared" >&2; exit 1; }
