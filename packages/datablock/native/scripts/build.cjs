#!/usr/bin/env node
// The developer build (the package's `build` script, run by turbo before tests): compiles the
// addon from source with node-gyp (gyp/binding.gyp) into build/Release/, where node-gyp-build
// looks first. Skipped when that build is newer than every source. Quiet on success (one line);
// node-gyp's output is shown only when the build fails. Offline: node-gyp would download Node's
// headers, so it is pointed at the running Node's own (TOOLCHAIN.md pitfall 1).
// The published package ships prebuilds/ instead (scripts/prebuild.cjs) and has no install script.
'use strict';
const { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, unlinkSync, writeSync } = require('node:fs');
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

const gypDir = join(root, 'gyp');
const built = join(root, 'build', 'Release', 'plh_datablock.node');

// Missing, or older than a source (node-gyp-build would load a stale one as is): build.
function needsBuild() {
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = [join(gypDir, 'binding.gyp'), __filename, ...readdirSync(join(root, 'src')).map((f) => join(root, 'src', f))];
  return sources.some((f) => statSync(f).mtimeMs > builtAt);
}

// Does the existing build load in this Node?
function loads() {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(built)})`], { stdio: 'ignore' }).status === 0;
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

const requested = process.argv.includes('--force');
if (!requested && !needsBuild() && loads()) process.exit(0);
lock();
process.on('exit', () => {
  try {
    unlinkSync(lockPath);
  } catch {}
});
// Another build may have finished while we waited for the lock.
if (!requested && !needsBuild() && loads()) process.exit(0);
const started = Date.now();
const args = [resolveBin('node-gyp', 'node-gyp'), 'rebuild'];
const result = spawnSync(process.execPath, args, { cwd: gypDir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
if (result.status !== 0) {
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}\n`);
  console.error(
    '@plh/datablock-native: building the addon failed (node-gyp output above). It needs python3, make ' +
      "and a C++ compiler, and Node's headers (found at <node prefix>/include/node, or set npm_config_nodedir).",
  );
  process.exit(result.status ?? 1);
}
mkdirSync(dirname(built), { recursive: true });
copyFileSync(join(gypDir, 'build', 'Release', 'plh_datablock.node'), built);
console.log(`@plh/datablock-native: built build/Release/plh_datablock.node (node-gyp, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
