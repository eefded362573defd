#!/usr/bin/env node
// pnpm release:local — the release round trip against a real, throwaway registry:
//  1. clone the committed HEAD into a temp dir (this checkout is never touched), install, build,
//     and build the native prebuilds when the native package has a `prebuilds` script;
//  2. check that versioning one package bumps only it and its dependents (versioning.mjs);
//  3. start Verdaccio on 127.0.0.1 (registry.mjs), `changeset version`, `changeset publish
//     --no-git-tag` against it;
//  4. check every published manifest (manifest-check.mjs);
//  5. for each published package, in empty projects, install it ALONE with npm and with pnpm
//     (no allowBuilds), normally and with --ignore-scripts, on a PATH with no compiler
//     (no-compiler-path.mjs), and run its README's first example (readme-example.mjs).
// Verdaccio is stopped and the temp dir removed on every way out (--keep keeps the dir).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestProblems } from './manifest-check.mjs';
import { MUST_BE_ABSENT, makeNoCompilerPath } from './no-compiler-path.mjs';
import { firstExample } from './readme-example.mjs';
import { packument, startRegistry } from './registry.mjs';
import { mustRun, run, tail } from './run.mjs';
import { checkVersioning } from './versioning.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const keep = process.argv.includes('--keep');
const started = performance.now();
// Upper bounds that turn a hang into a failure (a loaded 2-core machine builds slowly).
const LONG_MS = 20 * 60_000;
const cleanups = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error(`release:local cleanup: ${error.message}`);
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`release:local: ${signal}, cleaning up`);
    cleanup().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
  });
}

function phase(name) {
  const at = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`\n== release:local [${at}s] ${name}`);
}

/** The environment without anything npm/pnpm put there for the script that started us. */
function baseEnv(extra) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|NPM_CONFIG_|PNPM_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, CI: 'true', TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', ...extra };
}

function publishablePackages(repo) {
  const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join('packages', d)), 'packages/datablock/native'];
  return dirs
    .filter((dir) => existsSync(join(repo, dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

async function main() {
  const uplink = execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', env: baseEnv() }).trim();
  const work = mkdtempSync(join(tmpdir(), 'plh-release-'));
  cleanups.push(() => (keep ? console.log(`release:local: kept ${work}`) : rmSync(work, { recursive: true, force: true })));
  const sha = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
  if (dirty) console.log('release:local: uncommitted changes in this checkout are NOT part of the release (it uses the committed HEAD)');

  phase(`scratch clone of ${sha.slice(0, 12)}, pnpm install`);
  const repo = join(work, 'repo');
  await mustRun('git', ['clone', '--quiet', '--no-checkout', root, repo]);
  await mustRun('git', ['-C', repo, 'checkout', '--quiet', '--detach', sha]);
  const env = baseEnv();
  await mustRun('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: repo, env, timeoutMs: LONG_MS });
  phase('build');
  // turbo's cache of this checkout, when there is one: identical inputs (same hash) reuse its
  // outputs; anything that differs from the committed HEAD is rebuilt.
  const cache = join(root, '.turbo', 'cache');
  await mustRun('pnpm', ['build', ...(existsSync(cache) ? [`--cache-dir=${cache}`] : [])], { cwd: repo, env, timeoutMs: LONG_MS });
  const nativeManifest = JSON.parse(readFileSync(join(repo, 'packages/datablock/native/package.json'), 'utf8'));
  if (nativeManifest.scripts?.prebuilds) {
    phase('native prebuilds (pnpm --filter @plh/datablock-native run prebuilds)');
    await mustRun('pnpm', ['--filter', '@plh/datablock-native', 'run', 'prebuilds'], { cwd: repo, env, timeoutMs: LONG_MS });
  } else {
    console.log('release:local: @plh/datablock-native has no prebuilds script: it ships without prebuilds');
  }
  const packages = publishablePackages(repo);
  for (const { dir, manifest } of packages) {
    if (manifest.publishConfig?.registry) throw new Error(`${dir}: publishConfig.registry would bypass the local registry`);
  }

  phase('versioning one package bumps only it and its dependents');
  console.log(await checkVersioning(repo, env));

  phase('start Verdaccio');
  const registry = await startRegistry({ dir: join(work, 'verdaccio'), uplink });
  cleanups.push(() => registry.stop());
  console.log(`release:local: registry ${registry.url} (uplink for third-party packages: ${uplink})`);
  const host = registry.url.replace(/^http:/, '');
  writeFileSync(
    join(repo, '.npmrc'),
    `${readFileSync(join(repo, '.npmrc'), 'utf8')}\nregistry=${registry.url}\n@plh:registry=${registry.url}\n${host}:_authToken=${registry.token}\n`,
  );
  const publishEnv = { ...env, npm_config_registry: registry.url };

  phase('changeset version && changeset publish --no-git-tag');
  await mustRun('pnpm', ['exec', 'changeset', 'version'], { cwd: repo, env: publishEnv, echo: true });
  const publish = await mustRun('pnpm', ['exec', 'changeset', 'publish', '--no-git-tag'], { cwd: repo, env: publishEnv });
  console.log(tail(publish.output, 15));

  phase('published manifests');
  const versions = Object.fromEntries(publishablePackages(repo).map(({ manifest }) => [manifest.name, manifest.version]));
  const problems = [];
  for (const [name, version] of Object.entries(versions)) {
    const doc = await packument(registry.url, name);
    const manifest = doc?.versions?.[version];
    if (!manifest) {
      problems.push(`${name}@${version} is not on the registry (published: ${Object.keys(doc?.versions ?? {}).join(', ') || 'nothing'})`);
      continue;
    }
    problems.push(...manifestProblems(manifest, versions));
    console.log(`${name}@${version}: dependencies ${JSON.stringify(manifest.dependencies ?? {})}`);
  }
  if (problems.length) console.log(`published manifests: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  else console.log('manifests ok: no workspace:/catalog:, runtime ranges are carets, siblings at ^<published version>, no install scripts');

  phase('install each package alone (npm, pnpm; no allowBuilds; with and without --ignore-scripts; no compiler on PATH)');
  const path = makeNoCompilerPath(join(work, 'no-compiler-bin'));
  const found = MUST_BE_ABSENT.filter((tool) => existsSync(join(path, tool)));
  if (found.length) throw new Error(`no-compiler PATH still has ${found.join(', ')}`);
  const home = join(work, 'home');
  mkdirSync(home);
  const consumerEnv = { ...baseEnv({ PATH: path, HOME: home }), npm_config_registry: registry.url };
  const results = [];
  for (const { dir, manifest } of packages) {
    const example = firstExample(readFileSync(join(repo, dir, 'README.md'), 'utf8'));
    for (const manager of ['npm', 'pnpm']) {
      for (const ignoreScripts of [false, true]) {
        results.push(await consumer({ work, registry, consumerEnv, name: manifest.name, example, manager, ignoreScripts }));
      }
    }
  }
  console.log('\npackage                 manager  scripts   install  example');
  for (const r of results) {
    console.log(`${r.name.padEnd(24)}${r.manager.padEnd(9)}${(r.ignoreScripts ? 'ignored' : 'run').padEnd(10)}${r.install.padEnd(9)}${r.example}`);
  }
  const failed = results.filter((r) => r.failure);
  for (const r of failed) console.log(`\n-- ${r.name} with ${r.manager}${r.ignoreScripts ? ' --ignore-scripts' : ''}:\n${r.failure}`);
  if (problems.length) console.log(`\n-- published manifests:\n  ${problems.join('\n  ')}`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const passed = results.length - failed.length + (problems.length ? 0 : 1);
  console.log(`\nrelease:local: ${passed} passed, ${failed.length + (problems.length ? 1 : 0)} failed (${seconds} s; checks: manifests + ${results.length} installs)`);
  return failed.length === 0 && problems.length === 0;
}

async function consumer({ work, registry, consumerEnv, name, example, manager, ignoreScripts }) {
  const project = join(work, 'consumers', `${name.replace('@plh/', '')}-${manager}${ignoreScripts ? '-ignore-scripts' : ''}`);
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`);
  writeFileSync(join(project, '.npmrc'), `registry=${registry.url}\n`);
  const flags = ignoreScripts ? ['--ignore-scripts'] : [];
  const args = manager === 'npm' ? ['install', '--no-audit', '--no-fund', ...flags, name] : ['add', ...flags, name];
  const result = { name, manager, ignoreScripts, install: 'FAIL', example: '-', failure: null };
  const installed = await run(manager, args, { cwd: project, env: consumerEnv, timeoutMs: 300_000 });
  if (installed.code !== 0) {
    result.failure = `${manager} ${args.join(' ')}: exit ${installed.code ?? installed.signal}\n${tail(installed.output, 25)}`;
    return result;
  }
  result.install = `${(installed.ms / 1000).toFixed(1)}s`;
  for (const file of example.files) writeFileSync(join(project, file.name), file.code);
  const [file, ...exampleArgs] = example.command;
  const env = { ...consumerEnv, PATH: `${join(project, 'node_modules', '.bin')}:${consumerEnv.PATH}` };
  const ran = await run(file, exampleArgs, { cwd: project, env, timeoutMs: 120_000 });
  if (ran.code !== 0) {
    result.example = 'FAIL';
    result.failure = `README example (${example.command.join(' ')}): exit ${ran.code ?? ran.signal}${ran.timedOut ? ' (timed out)' : ''}\n${tail(ran.output, 25)}`;
    return result;
  }
  result.example = `ok (${example.command.join(' ')}): ${tail(ran.output, 1).slice(0, 60)}`;
  return result;
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  console.error(`\nrelease:local FAILED: ${error.stack ?? error}`);
} finally {
  await cleanup();
}
process.exit(ok ? 0 : 1);
