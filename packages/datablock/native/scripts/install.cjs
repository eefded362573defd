#!/usr/bin/env node
// Builds the addon from source, offline, unless a prebuild for this platform loads.
// node-gyp would download Node's headers; point it at the running Node's own headers instead
// (TOOLCHAIN.md pitfall 1). pnpm does not pass npm's config to install scripts, so set it here.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
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

// A build older than its sources is stale (node-gyp-build would load it as is): rebuild it.
function staleBuild() {
  const built = join(root, 'build', 'Release', 'plh_datablock.node');
  if (!existsSync(built) || !existsSync(join(root, 'src'))) return false;
  const builtAt = statSync(built).mtimeMs;
  const sources = [join(root, 'binding.gyp'), ...readdirSync(join(root, 'src')).map((f) => join(root, 'src', f))];
  return sources.some((f) => statSync(f).mtimeMs > builtAt);
}

// Does a prebuild or an existing build load? (What node-gyp-build's bin checks, without needing
// node-gyp-build-test on PATH.)
function loads() {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(require.resolve('node-gyp-build', { paths: [root] }))})(${JSON.stringify(root)})`], {
    stdio: 'ignore',
  });
  return probe.status === 0;
}

const force = process.argv.includes('--force') || process.env.npm_config_build_from_source === 'true' || staleBuild();
if (!force && loads()) process.exit(0);
const args = [resolveBin('node-gyp', 'node-gyp'), 'rebuild'];
const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    '@plh/datablock-native: building the addon failed. It needs python3, make and a C++ compiler, ' +
      "and Node's headers (found at <node prefix>/include/node, or set npm_config_nodedir).",
  );
  process.exit(result.status ?? 1);
}
