// `plh-scenarios run` (what `pnpm start` runs) names each scenario once: in the table. Progress
// before it is a rewritten line on a terminal, or a line every few seconds otherwise; it used to
// print an "ok <name>" line per scenario and then the table, every scenario twice.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const NAMES = ['signals.ShellChildSignalsReady', 'signals.PythonChildSignalsReady'];

it('run without a terminal: each scenario once, then a progress total, then the table', async () => {
  const { stdout, stderr } = await run(process.execPath, [cli, 'run', ...NAMES]);
  const all = stdout + stderr;
  for (const name of NAMES) expect(all.split(name).length - 1, all).toBe(1);
  expect(stderr).toContain('run: 2/2 runs, 0 failed');
  expect(stdout).toContain('2 scenarios, 2 runs, all passed');
});
