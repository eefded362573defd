#!/usr/bin/env bash
# Installs, from Debian's packages, the real programs the tests need (listed one per line in
# scripts/ci/apt-packages.txt, '#' starts a comment). Daemons are installed without being started
# (a policy-rc.d that refuses service starts, removed after). Runs `apt-get update` once, and only
# when something is missing. Used by .ci/run; a developer may run it too (as root).
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' apt-packages.txt | grep -v '^$' || true)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "apt: all ${#wanted[@]} test programs present"
  exit 0
fi
echo "apt: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
policy=/usr/sbin/policy-rc.d
had_policy=0; [ -e "$policy" ] && had_policy=1
if [ $had_policy -eq 0 ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; fi
trap '[ $had_policy -eq 0 ] && rm -f "$policy"' EXIT
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "apt: installed ${#missing[@]} package(s)"
