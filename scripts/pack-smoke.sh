#!/usr/bin/env bash
# Packs every publishable package and installs each alone (with npm, not pnpm) into an empty
# project, then runs its smoke script from scripts/smoke/<package>.mjs. Selective installs are
# the point of separate packages: a package that needs an unpublished sibling fails here.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/plh-pack-XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tarballs"
for dir in packages/ready-signal packages/worker-process packages/datablock/native packages/datablock packages/scenarios; do
  (cd "$root/$dir" && pnpm pack --pack-destination "$work/tarballs" >/dev/null)
done
ls "$work/tarballs"
tarball() { ls "$work/tarballs"/plh-$1-[0-9]*.tgz; }

smoke() { # smoke <smoke-script> <tarballs...>
  local script="$1"; shift
  local proj="$work/proj-$(basename "$script" .mjs)"
  mkdir -p "$proj" && cd "$proj"
  echo '{"name":"smoke","private":true,"type":"module"}' > package.json
  # Sibling tarballs are installed together so npm never reaches for an unpublished @plh package.
  npm install --no-audit --no-fund --loglevel=error "$@" >/dev/null
  cp "$root/scripts/smoke/$script" .
  node "$script"
  echo "smoke ok: $script"
  cd "$root"
}

for s in "$root"/scripts/smoke/*.mjs; do
  name="$(basename "$s" .mjs)"
  case "$name" in
    ready-signal)   smoke "$name.mjs" "$(tarball ready-signal)" ;;
    worker-process) smoke "$name.mjs" "$(tarball ready-signal)" "$(tarball worker-process)" ;;
    datablock)      smoke "$name.mjs" "$(tarball datablock-native)" "$(tarball datablock)" ;;
    scenarios)      smoke "$name.mjs" "$(tarball ready-signal)" "$(tarball worker-process)" "$(tarball datablock-native)" "$(tarball datablock)" "$(tarball scenarios)" ;;
    *) echo "no recipe for smoke script $name"; exit 1 ;;
  esac
done
