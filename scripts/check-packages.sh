#!/usr/bin/env bash
# Package hygiene of every published package, on its packed form (run after `pnpm build`):
#  - publint --strict: package.json fields, exports map and files agree with the tarball;
#  - attw (@arethetypeswrong/cli) --profile node16: ESM, CJS and their types resolve under
#    node16 (from CJS and from ESM) and bundler resolution (node10 is not a target).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export NO_COLOR=1 FORCE_COLOR=0
failed=0
for dir in packages/ready-signal packages/worker-process packages/datablock/native packages/datablock packages/scenarios; do
  echo "== $dir"
  (cd "$root/$dir" && pnpm exec publint --strict .) || failed=1
  (cd "$root/$dir" && pnpm exec attw --pack . --profile node16 --format table-flipped) || failed=1
done
if [ "$failed" != 0 ]; then echo "check:packages: problems above"; exit 1; fi
echo "check:packages: 5 packages clean (publint --strict, attw node16 + bundler)"
