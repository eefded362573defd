#!/usr/bin/env node
// Builds the addon from source, offline, unless a prebuild for this platform loads.
// node-gyp would download Node's headers; point it at the running Node's own headers instead
// (TOOLCHAIN.md pitfall 1). pnpm does not pass npm's config to install scripts, so set it here.
'use strict';
const { existsSync } = require('node:fs');
const { join, dirname } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const prefix = dirname(dirname(process.execPath));
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  env.npm_config_nodedir = prefix;
}

function resolveBin(pkg, bin) {
  const pkgJson = require.resolve(`${pkg}/package.json`, { paths: [root] });
  const meta = require(pkgJson);
  const rel = typeof meta.bin === 'string' ? meta.bin : meta.bin[bin];
  return join(dirname(pkgJson), rel);
}

// node-gyp-build falls back to `node-gyp rebuild`; make it use our pinned node-gyp.
env.npm_config_node_gyp = env.npm_config_node_gyp || resolveBin('node-gyp', 'node-gyp');
const force = process.argv.includes('--force');
const args = force
  ? [resolveBin('node-gyp', 'node-gyp'), 'rebuild']
  : [resolveBin('node-gyp-build', 'node-gyp-build')];
const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    '@plh/datablock-native: building the addon failed. It needs python3, make and a C++ compiler, ' +
      "and Node's headers (found at <node prefix>/include/node, or set npm_config_nodedir).",
  );
  process.exit(result.status ?? 1);
}
