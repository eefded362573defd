// Header fuzz: fresh processes attach to corrupted copies; nothing crashes, nothing is left behind.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Report {
  cases: number;
  crashes: number;
  leftBehind: number;
  outcomes: Record<string, number>;
  failures: Array<{ index: number; kind: string; detail: string }>;
}


async function fuzz(args: string[]): Promise<Report> {
  const out = await run(process.execPath, [cli, 'fuzz', ...args, '--json']).catch((e: { stdout: string }) => e);
  return JSON.parse(out.stdout) as Report;
}

describe('plh-scenarios fuzz', () => {
  it('200 cases: no crash or hang, typed errors only, no segment left', async () => {
    // Only the fuzz run's own segments (plh.fz<pid>-*, plh.mutex.fz<pid>-*): other packages' tests
    // run at the same time (turbo) and create segments of their own.
    const fuzzSegments = () => readdirSync('/dev/shm').filter((f) => /^plh\.(mutex\.)?fz\d+-/.test(f));
    const before = fuzzSegments();
    const report = await fuzz(['--cases', '200', '--batch', '100']);
    expect(report.cases).toBe(200);
    // No crash, hang or untyped exception (a corrupt mutex record once threw a raw EINVAL:
    // fixed in @plh/datablock, replay with `plh-scenarios fuzz --seed 20240601 --case 164`).
    expect(report.failures).toEqual([]);
    expect(report.leftBehind).toBe(0);
    expect(report.outcomes.attached).toBeGreaterThan(0);
    const after = fuzzSegments();
    expect(after.filter((f) => !before.includes(f))).toEqual([]);
  });

  it('case 164 of seed 20240601 (a corrupt mutex record) is a typed error, not an untyped EINVAL', async () => {
    const report = await fuzz(['--seed', '20240601', '--case', '164']);
    expect(report.failures).toEqual([]);
    expect(report.outcomes.ERR_DATABLOCK_LAYOUT_INVALID).toBe(1);
  });

  it('is reproducible: the same seed gives the same outcomes', async () => {
    const a = await fuzz(['--cases', '120', '--seed', '7']);
    const b = await fuzz(['--cases', '120', '--seed', '7']);
    expect(b.outcomes).toEqual(a.outcomes);
  });
});
