// plh-scenarios stress: runs scenarios under CPU hogs and leaves no hog behind, on every path.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { childrenOf, eventually, isLive, processesWith } from './helpers-procs.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const MARKER = 'plh-stress-hog';

/** Starts a long stress run; resolves with the child and its hog pids once it says they started. */
function startLongStress(): Promise<{ child: ReturnType<typeof spawn>; hogs: number[] }> {
  const child = spawn(process.execPath, [cli, 'stress', 'signals.ShellChildSignalsReady', '--repeat', '100000', '--hogs', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /hogs started \(pids ([\d ]+)\)/.exec(err);
      if (m) resolve({ child, hogs: m[1]!.trim().split(' ').map(Number) });
    });
    child.once('exit', (code) => reject(new Error(`stress exited ${code} before starting hogs: ${err}`)));
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('plh-scenarios stress', () => {
  it('runs two scenarios twice under hogs and leaves no hog', async () => {
    const pending = run(process.execPath, [cli, 'stress', 'signals.SlowInitChildIsAwaited', 'mutex.CreatorAcquiresAndReleases', '--repeat', '2', '--hogs', '2']);
    const cliPid = String(pending.child.pid);
    const { stdout } = await pending;
    expect(stdout).toContain('stress: 2 scenarios x 2 runs under 2 hogs: 0 failures');
    expect(stdout).toMatch(/signals\.SlowInitChildIsAwaited\s+0\/2/);
    // Hogs carry the stress process's pid in their command line.
    expect(processesWith(MARKER, cliPid)).toEqual([]);
    expect(childrenOf(process.pid)).toEqual([]);
  });

  it('reports JSON with p50 and p99', async () => {
    const { stdout } = await run(process.execPath, [cli, 'stress', 'signals.ShellChildSignalsReady', '--repeat', '2', '--hogs', '1', '--json']);
    const report = JSON.parse(stdout) as { failures: number; summaries: Array<{ p50Ms: number; p99Ms: number; runs: number }> };
    expect(report.failures).toBe(0);
    expect(report.summaries[0]!.runs).toBe(2);
    expect(report.summaries[0]!.p99Ms).toBeGreaterThanOrEqual(report.summaries[0]!.p50Ms);
  });

  it('kills its hogs on SIGTERM', async () => {
    const { child, hogs } = await startLongStress();
    expect(hogs).toHaveLength(2);
    child.kill('SIGTERM');
    expect(await exited(child)).toEqual({ code: 143, signal: null });
    expect(await eventually(() => hogs.every((pid) => !isLive(pid)))).toBe(true);
    expect(processesWith(MARKER, String(child.pid))).toEqual([]);
  });

  it('leaves no hog even when it is SIGKILLed (hogs exit on EOF of their stdin)', async () => {
    const { child, hogs } = await startLongStress();
    child.kill('SIGKILL');
    expect((await exited(child)).signal).toBe('SIGKILL');
    expect(await eventually(() => hogs.every((pid) => !isLive(pid)))).toBe(true);
  });

  it('rejects a bad option with exit code 2', async () => {
    await expect(run(process.execPath, [cli, 'stress', '--repeat', '0'])).rejects.toMatchObject({ code: 2 });
  });
});
