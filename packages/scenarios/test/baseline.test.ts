// The sleep-based baselines run only inside the comparison, never in the catalogue.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { processesWith } from './helpers-procs.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('plh-scenarios compare (stress --baseline)', () => {
  it('runs baseline and signal-based versions side by side', async () => {
    const pending = run(process.execPath, [cli, 'stress', '--baseline', '--repeat', '1', '--hogs', '1', '--json']);
    const cliPid = String(pending.child.pid);
    const { stdout } = await pending;
    const report = JSON.parse(stdout) as { pairs: Array<{ label: string; baseline: { runs: number; scenario: string }; signal: { runs: number; failures: number; scenario: string } }> };
    expect(report.pairs.map((p) => p.label)).toEqual(['AttacherAcquiresAfterCreator', 'CrossProcessDataExchange']);
    for (const pair of report.pairs) {
      expect(pair.baseline.runs).toBe(1);
      expect(pair.signal.runs).toBe(1);
      expect(pair.signal.failures).toBe(0);
      expect(pair.baseline.scenario).toMatch(/^baseline\./);
    }
    expect(processesWith('plh-stress-hog', cliPid)).toEqual([]);
  });

  it('keeps the baselines out of list and run', async () => {
    const { stdout } = await run(process.execPath, [cli, 'list']);
    expect(stdout).not.toContain('baseline.');
    await expect(run(process.execPath, [cli, 'run', 'baseline'])).rejects.toMatchObject({ code: 2 });
  });
});
