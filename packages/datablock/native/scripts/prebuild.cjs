#!/usr/bin/env node
// Builds the prebuilt binaries that ship in the package (prebuildify's layout, loaded by
// node-gyp-build): prebuilds/linux-x64/node.napi.glibc.node and prebuilds/linux-arm64/...
// with the pinned zig 0.11.0 toolchain (toolchain/pnpm-lock.yaml pins it by integrity; it is
// installed on demand outside the workspace). Targets glibc 2.28 (Node 20's own floor), baseline
// x86-64 / armv8-a, libc++ linked statically, NAPI_VERSION=9 (loads on Node 20, 22 and 24).
// Quiet on success (one line per target); a target whose binary is newer than every input is
// skipped. Usage: node scripts/prebuild.cjs [--force] [x64|arm64 ...]
'use strict';
const { existsSync, mkdirSync, readdirSync, renameSync, statSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const toolchain = join(root, 'toolchain');
const zig = join(toolchain, 'node_modules', '@ryoppippi', 'zig-linux-x64', 'zig');
const targets = {
  x64: { triple: 'x86_64-linux-gnu.2.28', cpu: 'baseline' },
  arm64: { triple: 'aarch64-linux-gnu.2.28', cpu: 'generic' },
};

function fail(message, output = '') {
  if (output) process.stderr.write(output.endsWith('\n') ? output : `${output}\n`);
  console.error(`@plh/datablock-native prebuild: ${message}`);
  process.exit(1);
}

function nodeHeaders() {
  const candidates = [process.env.npm_config_nodedir, dirname(dirname(process.execPath))].filter(Boolean);
  for (const dir of candidates) {
    const include = join(dir, 'include', 'node');
    if (existsSync(join(include, 'node_api.h')) && existsSync(join(include, 'uv.h'))) return include;
  }
  fail(`Node's headers (node_api.h, uv.h) not found under ${candidates.join(' or ')}/include/node; set npm_config_nodedir`);
}

function ensureZig() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`the pinned toolchain runs on linux-x64 only (this is ${process.platform}-${process.arch})`);
  }
  if (existsSync(zig)) return;
  const pnpm = spawnSync('pnpm', ['install', '--frozen-lockfile', '--ignore-workspace', '--reporter=silent', '--dir', toolchain], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  if (pnpm.status !== 0 || !existsSync(zig)) fail('installing the pinned zig toolchain failed', `${pnpm.stdout ?? ''}${pnpm.stderr ?? ''}${pnpm.error ?? ''}`);
}

const sources = readdirSync(join(root, 'src')).filter((f) => f.endsWith('.cc')).map((f) => join(root, 'src', f));
const inputs = [
  ...readdirSync(join(root, 'src')).map((f) => join(root, 'src', f)),
  join(__dirname, 'exports.map'),
  __filename,
  join(toolchain, 'pnpm-lock.yaml'),
];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
const outputOf = (arch) => join(root, 'prebuilds', `linux-${arch}`, 'node.napi.glibc.node');
const fresh = (arch) => existsSync(outputOf(arch)) && statSync(outputOf(arch)).mtimeMs >= newestInput;

function build(arch, include, addonApi) {
  const { triple, cpu } = targets[arch];
  const out = outputOf(arch);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const args = [
    'c++', '-target', triple, `-mcpu=${cpu}`, '-shared', '-fPIC', '-O2', '-std=c++17', '-fvisibility=hidden',
    '-DNAPI_VERSION=9', '-DNAPI_DISABLE_CPP_EXCEPTIONS', '-DBUILDING_NODE_EXTENSION',
    `-I${addonApi}`, `-I${include}`, ...sources, '-o', tmp, '-s',
    `-Wl,--version-script=${join(__dirname, 'exports.map')}`,
  ];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(zig, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('error', (e) => fail(`cannot run ${zig}: ${e.message}`));
    child.on('close', (code) => {
      if (code !== 0) fail(`zig c++ for linux-${arch} failed (exit ${code})`, output);
      renameSync(tmp, out);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(`@plh/datablock-native prebuild: prebuilds/linux-${arch}/node.napi.glibc.node (${statSync(out).size} bytes, ${seconds} s)`);
      resolve();
    });
  });
}

async function main() {
  const force = process.argv.includes('--force');
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  for (const arch of wanted) if (!targets[arch]) fail(`unknown target ${arch} (known: ${Object.keys(targets).join(', ')})`);
  const todo = (wanted.length ? wanted : Object.keys(targets)).filter((arch) => force || !fresh(arch));
  if (todo.length === 0) {
    console.log('@plh/datablock-native prebuild: prebuilds are up to date');
    return;
  }
  ensureZig();
  const include = nodeHeaders();
  // include_dir is relative to the current directory.
  const addonApi = resolve(require(require.resolve('node-addon-api', { paths: [root] })).include_dir);
  // The targets build at once: most of a cold build is zig compiling libc++ for each target.
  await Promise.all(todo.map((arch) => build(arch, include, addonApi)));
}

main();
