#!/usr/bin/env bash
# Builds FerretDB (a MongoDB wire-protocol server with an SQLite backend) once into a cache outside the repository;
# the store contract suite and the store fault tests start it on loopback. Prints the binary's path.
#   scripts/ensure-ferretdb.sh
# A plain `go install ...@v1.24.2` builds a binary that panics at start: the module ships without the generated
# build/version/version.txt. So the module goes through `go mod download` into a writable copy that gets that file
# (as FerretDB's own docs say to), then `go build`.
set -euo pipefail
version=v1.24.2
cache=${ADA_CARBON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ada-carbon}
bin="$cache/ferretdb-$version/ferretdb"
if [ ! -x "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
  command -v go >/dev/null || { echo "ensure-ferretdb: go is needed to build FerretDB $version" >&2; exit 1; }
  start=$(date +%s)
  echo "ensure-ferretdb: building FerretDB $version (first run only, a few minutes)" >&2
  src=$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$src" ] || { echo "ensure-ferretdb: go mod download gave no source directory" >&2; exit 1; }
  work="$cache/ferretdb-$version/src"
  rm -rf "$work"
  mkdir -p "$work"
  cp -R "$src/." "$work/"
  chmod -R u+w "$work"
  echo "$version" > "$work/build/version/version.txt"
  (cd "$work" && go build -o "$bin" ./cmd/ferretdb) >&2
  rm -rf "$work"
  echo "ensure-ferretdb: built in $(( $(date +%s) - start )) s" >&2
fi
echo "$bin"
