// Smoke test of the packed @plh/scenarios installed alone (with its @plh siblings) by npm:
// the plh-scenarios bin lists the catalogue and runs a signal and a mutex scenario.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@plh/scenarios/package.json'));
const cli = join(pkgDir, 'dist', 'cli.js');
const list = execFileSync(process.execPath, [cli, 'list'], { encoding: 'utf8' });
if (!list.includes('mutex.ZombieOwnerRecovery')) throw new Error(`unexpected list:\n${list}`);
const out = execFileSync(
  process.execPath,
  [cli, 'run', 'signals.ShellChildSignalsReady', 'mutex.ZombieOwnerRecovery', '--json'],
  { encoding: 'utf8', timeout: 60_000 },
);
const { results } = JSON.parse(out);
if (results.length !== 2 || !results.every((r) => r.ok)) throw new Error(`scenarios failed:\n${out}`);
console.log('ok');
