// plh-scenarios crash: a short seeded campaign of real SIGKILLs passes with all-zero counters,
// executes exactly its plan, and leaves no worker and no segment behind (also on SIGTERM).
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { planCampaign, type PlannedRound } from '../src/crash/plan.js';
import { eventually, isLive } from './helpers-procs.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Segments of the campaign run by `pid` (plh.crash-<pid>-<round>). */
function segmentsOf(pid: number): string[] {
  return readdirSync('/dev/shm').filter((name) => name.startsWith(`plh.crash-${pid}-`));
}

/** Live workers of the campaign run by `pid` (their command line names a crash-<pid>-* block). */
function workersOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (args.some((a) => a.startsWith(`crash-${pid}-`)) && isLive(Number(entry))) found.push(Number(entry));
  }
  return found;
}

function tally(rounds: PlannedRound[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of rounds.flatMap((r) => r.kills)) out[`${k.role}/${k.point}`] = (out[`${k.role}/${k.point}`] ?? 0) + 1;
  return out;
}

describe('crash plan', () => {
  it('is a pure function of the seed', () => {
    const a = planCampaign({ seed: 42, kills: 1000, perRound: 25 });
    expect(planCampaign({ seed: 42, kills: 1000, perRound: 25 })).toEqual(a);
    expect(planCampaign({ seed: 43, kills: 1000, perRound: 25 })).not.toEqual(a);
    expect(a).toHaveLength(40);
    expect(a.flatMap((r) => r.kills).map((k) => k.index)).toEqual([...Array(1000).keys()]);
    // Every role, every point and both policies occur in a full-size plan.
    expect(Object.keys(tally(a))).toHaveLength(12);
    expect(new Set(a.map((r) => r.policy))).toEqual(new Set(['sequential', 'latest-only']));
  });
});

describe('plh-scenarios crash', () => {
  // Default tables (12 or 64 entries) and explicit recovery on odd generations: this is the mix
  // that exposed the entry-reuse defect of replacement producers (fixed in @plh/datablock).
  it('runs 30 seeded kills with all-zero counters and leaves nothing behind', async () => {
    const pending = run(process.execPath, [cli, 'crash', '--kills', '30', '--seed', '1234', '--per-round', '15', '--json'], { maxBuffer: 16 << 20 });
    const pid = pending.child.pid!;
    const { stdout } = await pending;
    const report = JSON.parse(stdout) as {
      failures: number; plan: PlannedRound[];
      counters: { kills: number; killsByPoint: Record<string, number>; corruptAccepted: number; lost: number; failedRecoveries: number; stuck: number; mutexInconsistent: number; problems: string[] };
    };
    expect(report.counters.problems).toEqual([]);
    expect(report.failures).toBe(0);
    expect(report.counters.kills).toBe(30);
    // The same seed gives the same plan, and the campaign executed exactly that plan.
    const plan = planCampaign({ seed: 1234, kills: 30, perRound: 15 });
    expect(report.plan).toEqual(plan);
    expect(report.counters.killsByPoint).toEqual(tally(plan));
    expect(segmentsOf(pid)).toEqual([]);
    expect(await eventually(() => workersOf(pid).length === 0)).toBe(true);
  }, 180_000);

  it('kills its workers and removes its segment on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, 'crash', '--kills', '100000', '--seed', '5'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const pid = child.pid!;
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('first round running')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`crash exited ${code} early: ${err}`)));
    });
    expect(segmentsOf(pid)).toEqual([`plh.crash-${pid}-0`]);
    expect(workersOf(pid).length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(segmentsOf(pid)).toEqual([]);
    // SIGKILLed workers vanish asynchronously: the deadline only bounds the wait.
    expect(await eventually(() => workersOf(pid).length === 0)).toBe(true);
  }, 60_000);

  it('rejects bad options with exit code 2', async () => {
    await expect(run(process.execPath, [cli, 'crash', '--kills', '0'])).rejects.toMatchObject({ code: 2 });
    await expect(run(process.execPath, [cli, 'crash', '--bogus'])).rejects.toMatchObject({ code: 2 });
  });
});
