#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine with Node 20; quick when everything is already there.
#   scripts/ensure-deps.sh [debian-package ...]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "ensure-deps: installing Debian packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

# npm: a clean install when node_modules does not match package-lock.json
stamp=node_modules/.ada-carbon-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "ensure-deps: npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
