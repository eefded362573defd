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

/**
 * KNOWN BUG (reported, not fixed here: packages/datablock is not ours): a corrupted pthread mutex
 * record makes tryLock throw the native EINVAL Error instead of a DataBlockError. Every other
 * untyped exception, and every process death or hang, fails this test. Tighten to 0 exceptions
 * once @plh/datablock maps it.
 */
const KNOWN_UNTYPED = /^exception Error: EINVAL: Invalid argument, pthread_mutex_(try)?lock/;

async function fuzz(args: string[]): Promise<Report> {
  const out = await run(process.execPath, [cli, 'fuzz', ...args, '--json']).catch((e: { stdout: string }) => e);
  return JSON.parse(out.stdout) as Report;
}

describe('plh-scenarios fuzz', () => {
  it('200 cases: no crash or hang, typed errors only, no segment left', async () => {
    const before = readdirSync('/dev/shm').filter((f) => f.startsWith('plh.'));
    const report = await fuzz(['--cases', '200', '--batch', '100']);
    expect(report.cases).toBe(200);
    expect(report.failures.filter((f) => f.kind !== 'exception')).toEqual([]);
    for (const f of report.failures) expect(f.detail).toMatch(KNOWN_UNTYPED);
    expect(report.leftBehind).toBe(0);
    expect(report.outcomes.attached).toBeGreaterThan(0);
    const after = readdirSync('/dev/shm').filter((f) => f.startsWith('plh.'));
    expect(after.filter((f) => !before.includes(f))).toEqual([]);
  });

  it('is reproducible: the same seed gives the same outcomes', async () => {
    const a = await fuzz(['--cases', '120', '--seed', '7']);
    const b = await fuzz(['--cases', '120', '--seed', '7']);
    expect(b.outcomes).toEqual(a.outcomes);
  });
});
