// Every scenario of the catalogue runs as real processes through the runner, from the built
// package (its workers entry is dist/workers.js). A scenario asserts its own order of events.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runScenario, scenarios } from '../dist/index.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// Segments of this test process only: scenario names end in -<runner pid>-<n> (other packages'
// tests may create and remove their own segments at the same time).
const mine = (f: string) => f.startsWith('plh.') && f.includes(`-${process.pid}-`);
const shmEntries = () => new Set(readdirSync('/dev/shm').filter(mine));

describe('scenario catalogue', () => {
  it('has unique module.Name names', () => {
    const names = scenarios.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+\.[A-Z][A-Za-z0-9]+$/);
  });

  for (const scenario of scenarios) {
    it(`${scenario.name} passes and leaves no segment behind`, async () => {
      const before = shmEntries();
      const result = await runScenario(scenario);
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
      const leaked = [...shmEntries()].filter((f) => !before.has(f));
      expect(leaked).toEqual([]);
    });
  }
});

describe('plh-scenarios CLI', () => {
  it('lists every scenario', async () => {
    const { stdout } = await run(process.execPath, [cli, 'list']);
    for (const scenario of scenarios) expect(stdout).toContain(scenario.name);
  });

  it('runs a selection and reports JSON', async () => {
    const { stdout } = await run(process.execPath, [cli, 'run', 'signals.ShellChildSignalsReady', '--repeat', '2', '--json']);
    const report = JSON.parse(stdout) as { results: Array<{ ok: boolean; name: string }> };
    expect(report.results).toHaveLength(2);
    expect(report.results.every((r) => r.ok && r.name === 'signals.ShellChildSignalsReady')).toBe(true);
  });

  it('exits 2 and lists known scenarios for an unknown name', async () => {
    const error = await run(process.execPath, [cli, 'run', 'no.SuchScenario']).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain('unknown scenario');
    expect(error?.stderr).toContain('signals.SlowInitChildIsAwaited');
  });

  it('exits 2 on a bad --repeat', async () => {
    const error = await run(process.execPath, [cli, 'run', '--repeat', '0']).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr).toContain('--repeat needs a positive integer');
  });
});
