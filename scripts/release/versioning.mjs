// Proves in a scratch clone that the changesets config versions packages independently: a major
// changeset for one package (@plh/ready-signal) bumps it, bumps its dependents, leaves every other
// package alone, and writes each bumped package's CHANGELOG.md. The clone is restored afterwards
// (git checkout + clean), so the real `changeset version` sees only the committed changesets.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun } from './run.mjs';

const SUBJECT = '@plh/ready-signal';
const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

function workspace(repo) {
  const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join('packages', d)), 'packages/datablock/native'];
  const out = new Map();
  for (const dir of dirs) {
    try {
      const manifest = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8'));
      out.set(manifest.name, { dir, manifest });
    } catch {}
  }
  return out;
}

export async function checkVersioning(repo, env) {
  const before = workspace(repo);
  const direct = [...before.values()]
    .filter(({ manifest }) => DEP_FIELDS.some((field) => manifest[field]?.[SUBJECT] !== undefined))
    .map(({ manifest }) => manifest.name);
  const closure = new Set([SUBJECT]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const { manifest } of before.values()) {
      if (closure.has(manifest.name)) continue;
      if (DEP_FIELDS.some((field) => Object.keys(manifest[field] ?? {}).some((dep) => closure.has(dep)))) {
        closure.add(manifest.name);
        grew = true;
      }
    }
  }
  const changesetDir = join(repo, '.changeset');
  for (const file of readdirSync(changesetDir)) {
    if (file.endsWith('.md') && file !== 'README.md') rmSync(join(changesetDir, file));
  }
  writeFileSync(join(changesetDir, 'release-local-check.md'), `---\n"${SUBJECT}": major\n---\n\nrelease:local versioning check\n`);
  try {
    await mustRun('pnpm', ['exec', 'changeset', 'version'], { cwd: repo, env });
    const after = workspace(repo);
    const problems = [];
    const lines = [];
    for (const [name, { dir, manifest }] of before) {
      const next = after.get(name).manifest.version;
      const bumped = next !== manifest.version;
      lines.push(`  ${name} ${manifest.version} -> ${next}`);
      if (name === SUBJECT && next.split('.')[0] === manifest.version.split('.')[0]) problems.push(`${name} not major-bumped`);
      if (direct.includes(name) && !bumped) problems.push(`${name} depends on ${SUBJECT} but was not bumped`);
      if (!closure.has(name) && bumped) problems.push(`${name} does not depend on ${SUBJECT} but was bumped`);
      if (bumped) {
        let changelog = '';
        try {
          changelog = readFileSync(join(repo, dir, 'CHANGELOG.md'), 'utf8');
        } catch {}
        if (!changelog.includes(`## ${next}`)) problems.push(`${name}: CHANGELOG.md has no "## ${next}" section`);
      }
    }
    if (problems.length) throw new Error(`versioning check (a major changeset for ${SUBJECT}):\n  ${problems.join('\n  ')}\n${lines.join('\n')}`);
    return `a major changeset for ${SUBJECT} alone:\n${lines.join('\n')}\nversioning ok: only it and its dependents bumped, each with a CHANGELOG.md entry`;
  } finally {
    await mustRun('git', ['checkout', '--quiet', '--', '.'], { cwd: repo });
    await mustRun('git', ['clean', '-fdq'], { cwd: repo });
  }
}
