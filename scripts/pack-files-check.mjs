#!/usr/bin/env node
// Checks that every entry of each package's `files` list is in its packed tarball (a `files`
// entry that matches nothing, like a CHANGELOG.md never written, ships a package without it).
// Usage: node scripts/pack-files-check.mjs TARBALL_DIR   (called by scripts/pack-smoke.sh)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGES = ['ready-signal', 'worker-process', 'datablock/native', 'datablock', 'scenarios'];
/** Entries that only a release build produces; absent from a development tree. */
const BUILT_FOR_RELEASE = { '@plh/datablock-native': ['prebuilds'] };

const tarballDir = resolve(process.argv[2] ?? '.');
const tarballs = readdirSync(tarballDir);
const toRegExp = (entry) =>
  new RegExp(`^${entry.replace(/\/+$/, '').replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\uE000').replace(/\*/g, '[^/]*').replace(/\uE000/g, '.*')}(/.*)?$`);

let failed = 0;
for (const dir of PACKAGES) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8'));
  const prefix = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
  const tarball = tarballs.find((name) => name === prefix);
  if (tarball === undefined) {
    console.log(`FAIL ${manifest.name}: no tarball ${prefix} in ${tarballDir}`);
    failed++;
    continue;
  }
  const paths = execFileSync('tar', ['-tzf', join(tarballDir, tarball)], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((p) => p.replace(/^package\//, ''));
  const missing = (manifest.files ?? [])
    .filter((entry) => !(BUILT_FOR_RELEASE[manifest.name] ?? []).includes(entry))
    .filter((entry) => !paths.some((p) => toRegExp(entry).test(p)));
  if (missing.length > 0) {
    console.log(`FAIL ${manifest.name}: "files" lists ${missing.map((m) => JSON.stringify(m)).join(', ')} but the tarball has nothing there; create it or drop it from "files".`);
    failed++;
  } else {
    console.log(`ok   ${manifest.name}: every "files" entry is in ${tarball} (${paths.length} files)`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
