#!/usr/bin/env bash
# Packs every publishable package, checks each tarball holds every entry of its `files` list
# (scripts/pack-files-check.mjs), and installs each package alone into an empty project, once
# with npm and once with pnpm, then runs its smoke script from scripts/smoke/<package>.mjs.
# Selective installs are the point of separate packages: a package that needs an unpublished
# sibling fails here. pnpm resolves a sibling (@plh/datablock-native for @plh/datablock) from the
# registry even when its tarball is in the same command, so the pnpm project maps every @plh name
# to its tarball with `overrides` (what the top README tells users to do, "Trying the packed
# packages"), and allows the native package's build with its `name@file:path` key.
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

node "$root/scripts/pack-files-check.mjs" "$work/tarballs"

smoke() { # smoke <smoke-script> <tarballs...>: npm, then pnpm
  local script="$1"; shift
  local proj="$work/npm-$(basename "$script" .mjs)"
  mkdir -p "$proj" && cd "$proj"
  echo '{"name":"smoke","private":true,"type":"module"}' > package.json
  # Sibling tarballs are installed together so npm never reaches for an unpublished @plh package.
  npm install --no-audit --no-fund --loglevel=error "$@" >/dev/null
  cp "$root/scripts/smoke/$script" .
  node "$script"
  echo "smoke ok (npm): $script"

  proj="$work/pnpm-$(basename "$script" .mjs)"
  mkdir -p "$proj" && cd "$proj"
  echo '{"name":"smoke","private":true,"type":"module"}' > package.json
  {
    echo "overrides:"
    for t in "$work"/tarballs/plh-*.tgz; do
      local base; base="$(basename "$t")"
      case "$base" in plh-scenarios-*) continue ;; esac
      echo "  \"@plh/$(echo "$base" | sed -E 's/^plh-(.*)-[0-9][^-]*\.tgz$/\1/')\": \"file:../tarballs/$base\""
    done
    echo "allowBuilds:"
    echo "  \"@plh/datablock-native@file:../tarballs/$(basename "$(tarball datablock-native)")\": true"
  } > pnpm-workspace.yaml
  pnpm add --reporter=silent "$@" >/dev/null
  cp "$root/scripts/smoke/$script" .
  node "$script"
  echo "smoke ok (pnpm): $script"
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
