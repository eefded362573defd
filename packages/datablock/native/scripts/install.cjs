#!/usr/bin/env node
// Builds the addon from source, offline, unless a prebuild for this platform loads.
// node-gyp would download Node's headers; point it at the running Node's own headers instead
// (TOOLCHAIN.md pitfall 1). pnpm does not pass npm's config to install scripts, so set it here.
'use strict';
const { closeSync, existsSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync } = require('node:fs');
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

// Two builds at once in the same folder (parallel installs, turbo + a manual build) break each
// other: hold a lock file (with the holder's pid; a dead holder's lock is taken over).
const lockPath = join(root, '.build.lock');
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}
function lock() {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = 0;
    try {
      holder = Number(readFileSync(lockPath, 'utf8'));
    } catch {}
    if (holder > 0 && !alive(holder)) {
      try {
        unlinkSync(lockPath);
      } catch {}
      continue;
    }
    if (Date.now() > deadline) throw new Error(`@plh/datablock-native: ${lockPath} is held by pid ${holder} for too long`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100); // poll the lock file
  }
}

const requested = process.argv.includes('--force') || process.env.npm_config_build_from_source === 'true';
if (!requested && !staleBuild() && loads()) process.exit(0);
lock();
process.on('exit', () => {
  try {
    unlinkSync(lockPath);
  } catch {}
});
// Another build may have finished while we waited for the lock.
if (!requested && !staleBuild() && loads()) process.exit(0);
const args = [resolveBin('node-gyp', 'node-gyp'), 'rebuild'];
const result = spawnSync(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    '@plh/datablock-native: building the addon failed. It needs python3, make and a C++ compiler, ' +
      "and Node's headers (found at <node prefix>/include/node, or set npm_config_nodedir).",
  );
  process.exit(result.status ?? 1);
}
