// A double SIGTERM, as `timeout` sends it (one to the process, then one to its whole group),
// stops `plh-scenarios run` and `stress` without leaving the current run's segments in /dev/shm.
// Before live-runs.ts, the second signal exited at once and one segment stayed behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, watch } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, isLive } from './helpers-procs.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// A scenario whose writer process creates a segment named after the run and keeps it until the
// parent releases it: a run of it always has a segment in /dev/shm for a while.
const SCENARIO = 'slots.CrossProcessDataExchangeWriterThenReaderVerifiesContent';
const BOUND_MS = 60_000;

const segmentsOf = (pid: number): string[] => readdirSync('/dev/shm').filter((name) => name.startsWith('plh.') && name.includes(`-${pid}-`));

/** Resolves once a segment named after a run of `pid` exists (fs.watch on /dev/shm: an event, not a poll). */
function segmentAppears(pid: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch('/dev/shm', () => {
      if (segmentsOf(pid).length > 0) done();
    });
    const timer = setTimeout(() => done(new Error(`no segment of ${pid} within ${BOUND_MS} ms`)), BOUND_MS);
    const done = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    if (segmentsOf(pid).length > 0) done();
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function doubleSigterm(args: string[]): Promise<{ pid: number; code: number | null; left: string[]; stderr: string }> {
  // Its own process group, like a command under `timeout`; the group signal must not reach vitest.
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const pid = child.pid!;
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await segmentAppears(pid);
    process.kill(pid, 'SIGTERM');
    process.kill(-pid, 'SIGTERM');
    const { code } = await exited(child);
    return { pid, code, left: segmentsOf(pid), stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-pid, 'SIGKILL');
  }
}

/** Node processes whose command line names a run of `pid` (the workers get the run's names). */
function workersOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0') as string[];
      if (args.some((a) => a.includes(`-${pid}-`)) && isLive(Number(entry))) found.push(Number(entry));
    } catch {
      // Gone.
    }
  }
  return found;
}

describe('a double SIGTERM (timeout) leaves no segment', () => {
  it('plh-scenarios run', async () => {
    const { pid, code, left, stderr } = await doubleSigterm(['run', SCENARIO, '--repeat', '100000']);
    expect(code, stderr).toBe(143);
    expect(left).toEqual([]);
    expect(await eventually(() => workersOf(pid).length === 0)).toBe(true);
  }, 90_000);

  it('plh-scenarios stress', async () => {
    const { pid, code, left, stderr } = await doubleSigterm(['stress', SCENARIO, '--repeat', '100000', '--hogs', '0']);
    expect(code, stderr).toBe(143);
    expect(left).toEqual([]);
    expect(await eventually(() => workersOf(pid).length === 0)).toBe(true);
  }, 90_000);
});
