#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server with an SQLite backend) once into a cache outside the repository;
# the store contract suite and the store fault tests start it on loopback. Prints the binary's path.
#   scripts/ensure-ferretdb.sh
set -euo pipefail
version=v1.24.2
cache=${ADA_CARBON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ada-carbon}
bin="$cache/ferretdb-$version/ferretdb"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "ensure-ferretdb: go is needed to build FerretDB $version" >&2; exit 1; }
  mkdir -p "$(dirname "$bin")"
  start=$(date +%s)
  echo "ensure-ferretdb: building FerretDB $version (first run only, a few minutes)" >&2
  GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "github.com/FerretDB/FerretDB/cmd/ferretdb@$version" >&2
  echo "ensure-ferretdb: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$bin"
