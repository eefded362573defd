#!/usr/bin/env node
// Runs the fenced examples of every README as written, on the Node that runs this script.
//
// The convention (also in CONTRIBUTING.md): an HTML comment on the line right before a fenced
// block says what the block is. Every js/mjs/cjs/javascript/ts/typescript block needs one.
//
//   <!-- example: file worker.mjs -->   write the block to worker.mjs (a helper another block runs)
//   <!-- example: run parent.mjs -->    write it to parent.mjs and run it: it must exit 0
//   <!-- example: no-run REASON -->     not a program (API signatures, a fragment); a js block is
//                                       still syntax-checked with `node --check`
//
// All blocks of one README share one scratch directory: every file is written first, then the
// `run` blocks run in document order (so a parent block may come before its worker's block).
// How a run file runs, by its name: *.test.mjs / *.test.ts → `vitest run FILE`; *.mjs, *.cjs,
// *.js → `node FILE` (no TypeScript on Node 20: name a TypeScript example *.test.ts, or write
// it as .mjs). The directory has node_modules/@plh/* linked to this workspace's packages (and
// the root's dev dependencies, e.g. vitest), so `import '@plh/worker-process'` resolves as it
// does for a user. Each run is bounded (60 s) and must not leave processes of its group behind
// (a segment left in /dev/shm is caught by the check at the end of .ci/run). Node files run with
// another directory as their cwd, so an example that finds its worker through the cwd fails here
// too (resolve such paths with fileURLToPath(new URL('./worker.mjs', import.meta.url))).
//
// Usage: node scripts/readme-examples.mjs [--keep] [README.md ...]   (default: every README)
// Needs the packages built (`pnpm build`); `pnpm examples` builds first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_BOUND_MS = 60_000;
const CODE_LANGS = new Set(['js', 'mjs', 'cjs', 'javascript', 'ts', 'typescript']);
const MARKER = /^<!--\s*example:\s*(file|run|no-run)\b\s*(.*?)\s*-->\s*$/;

/** READMEs whose owners have not marked their blocks yet: unmarked blocks are listed, not failed. */
const PENDING = new Set([
]);

function findReadmes() {
  const found = ['README.md'];
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const sub = join(dir, entry.name);
      if (existsSync(join(ROOT, sub, 'README.md'))) found.push(join(sub, 'README.md'));
      if (!['dist', 'build', 'src', 'test'].includes(entry.name)) walk(sub);
    }
  };
  walk('packages');
  return found;
}

/** The fenced blocks of a README with the marker before each (null when none). */
export function extractBlocks(text) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const marker = previous >= 0 ? MARKER.exec(lines[previous].trim()) : null;
    blocks.push({
      line: i + 1,
      lang: lang.toLowerCase(),
      code: lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join('\n') + '\n',
      kind: marker?.[1] ?? null,
      arg: marker?.[2] ?? '',
    });
    i = end;
  }
  return blocks;
}

function linkModules(dir) {
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@plh'), { recursive: true });
  for (const pkgJson of ['ready-signal', 'worker-process', 'datablock', 'datablock/native', 'scenarios'].map((p) => join(ROOT, 'packages', p, 'package.json'))) {
    if (!existsSync(pkgJson)) continue;
    const { name } = JSON.parse(readFileSync(pkgJson, 'utf8'));
    symlinkSync(dirname(pkgJson), join(modules, name));
  }
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry.startsWith('.') || entry === '@plh') continue;
    const target = join(ROOT, 'node_modules', entry);
    if (entry.startsWith('@')) {
      mkdirSync(join(modules, entry), { recursive: true });
      for (const scoped of readdirSync(target)) symlinkSync(join(target, scoped), join(modules, entry, scoped));
    } else {
      symlinkSync(target, join(modules, entry));
    }
  }
}

function commandFor(file) {
  if (/\.test\.(m?[jt]s)$/.test(file)) return [process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', file]];
  if (/\.(mjs|cjs|js)$/.test(file)) return [process.execPath, [file]];
  return null;
}

/** Runs one file in its own process group; resolves with its outcome (never rejects). */
function runFile(dir, file) {
  const [command, args] = commandFor(join(dir, file));
  // Node files run from another directory, as a user may: paths must come from import.meta.url.
  const cwd = /\.test\.(m?[jt]s)$/.test(file) ? dir : join(dir, 'elsewhere');
  mkdirSync(cwd, { recursive: true });
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('PLH_')) delete env[key];
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, RUN_BOUND_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ ok: false, why: `could not start: ${error.message}`, output });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const leftover = killGroup(child.pid);
      const why = timedOut ? `did not exit within ${RUN_BOUND_MS} ms (killed)`
        : code !== 0 ? `exited with ${signal ?? `code ${code}`}`
        : leftover ? 'exited 0 but left processes running (killed)'
        : null;
      done({ ok: why === null, why, output });
    });
  });
}

/** Kills what is left of a process group; true if something was. */
function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

async function checkReadme(readme, keep) {
  const text = readFileSync(join(ROOT, readme), 'utf8');
  const blocks = extractBlocks(text).filter((b) => CODE_LANGS.has(b.lang));
  const failures = [];
  const unmarked = blocks.filter((b) => b.kind === null);
  for (const b of unmarked) {
    const message = `${readme}:${b.line}: a ${b.lang} block without a marker; put <!-- example: run FILE -->, <!-- example: file FILE --> or <!-- example: no-run REASON --> on the line before it`;
    if (PENDING.has(readme)) console.log(`  pending: ${message}`);
    else failures.push(message);
  }
  const marked = blocks.filter((b) => b.kind !== null);
  if (marked.length === 0) return { failures, counts: 'no marked examples' };

  const dir = mkdtempSync(join(tmpdir(), `plh-readme-${readme.replace(/[^\w]+/g, '-')}-`));
  try {
    linkModules(dir);
    const written = new Map();
    for (const b of marked) {
      if (b.kind === 'no-run') {
        if (b.arg === '') failures.push(`${readme}:${b.line}: no-run needs a reason, e.g. <!-- example: no-run API signatures -->`);
        continue;
      }
      const file = b.arg;
      if (!/^[\w.-]+(\/[\w.-]+)*$/.test(file)) {
        failures.push(`${readme}:${b.line}: ${b.kind} needs a relative file name, got ${JSON.stringify(file)}`);
        continue;
      }
      if (b.kind === 'run' && commandFor(file) === null) {
        failures.push(`${readme}:${b.line}: cannot run ${file} on Node 20: name it *.mjs, *.cjs, *.js or *.test.ts (vitest)`);
        continue;
      }
      if (written.has(file)) failures.push(`${readme}:${b.line}: ${file} is also written by the block at line ${written.get(file)}`);
      written.set(file, b.line);
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), b.code);
    }
    for (const b of marked.filter((x) => x.kind === 'no-run' && ['js', 'mjs', 'cjs', 'javascript'].includes(x.lang))) {
      const probe = join(dir, `.syntax-${b.line}.${b.lang === 'cjs' ? 'cjs' : 'mjs'}`);
      writeFileSync(probe, b.code);
      const check = spawnSync(process.execPath, ['--check', probe], { encoding: 'utf8' });
      if (check.status !== 0) failures.push(`${readme}:${b.line}: not valid JavaScript on Node ${process.version}:\n${check.stderr.trim()}`);
    }
    let ran = 0;
    for (const b of marked.filter((x) => x.kind === 'run' && written.get(x.arg) === x.line)) {
      const outcome = await runFile(dir, b.arg);
      ran++;
      if (!outcome.ok) failures.push(`${readme}:${b.line}: ${b.arg} ${outcome.why}; its output:\n${outcome.output.trim().split('\n').slice(-30).join('\n')}`);
    }
    const count = (kind) => marked.filter((b) => b.kind === kind).length;
    return { failures, counts: `${ran} run, ${count('file')} helper file(s), ${count('no-run')} not run` };
  } finally {
    if (keep) console.log(`  kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const named = args.filter((a) => !a.startsWith('--')).map((a) => relative(ROOT, resolve(a)));
  const readmes = named.length > 0 ? named : findReadmes();
  let failed = 0;
  for (const readme of readmes) {
    const started = performance.now();
    const { failures, counts } = await checkReadme(readme, keep);
    const ms = Math.round(performance.now() - started);
    if (failures.length === 0) {
      console.log(`ok   ${readme}: ${counts} (${ms} ms)`);
    } else {
      failed++;
      console.log(`FAIL ${readme}: ${counts} (${ms} ms)`);
      for (const failure of failures) console.log(`  - ${failure.replace(/\n/g, '\n    ')}`);
    }
  }
  if (failed > 0) {
    console.log(`\n${failed} README(s) with failing examples. The convention is in CONTRIBUTING.md ("README examples").`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
