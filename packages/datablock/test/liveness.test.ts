import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, readStartTime, selfIdentity } from '../src/participants/identity.js';

const cleanups: Array<() => void> = [];
afterEach(() => { for (const c of cleanups.splice(0)) c(); });

describe('liveness (pid + start time)', () => {
  it('this process is alive; a wrong start time or missing pid is dead', () => {
    const me = selfIdentity();
    expect(me.pid).toBe(process.pid);
    expect(me.startTime).toBeGreaterThan(0);
    expect(isAlive(me)).toBe(true);
    expect(isAlive({ pid: me.pid, startTime: me.startTime + 1 })).toBe(false);
    expect(isAlive({ pid: 0, startTime: 0 })).toBe(false);
    expect(isAlive({ pid: 2 ** 22 + 7, startTime: 1 })).toBe(false);
  });

  it('parses a comm with spaces and parentheses, and a killed child is dead (zombie and reaped)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plh-live-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const odd = join(dir, 'a) b (c');
    symlinkSync('/bin/cat', odd);
    const child = spawn(odd, [], { stdio: ['pipe', 'ignore', 'ignore'] });
    cleanups.push(() => child.kill('SIGKILL'));
    await new Promise((resolve) => child.once('spawn', resolve));
    const pid = child.pid!;
    const startTime = readStartTime(pid);
    expect(startTime).toBeGreaterThan(0);
    expect(isAlive({ pid, startTime: startTime! })).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(isAlive({ pid, startTime: startTime! })).toBe(false);
  });

  it('out of file descriptors, liveness is unknown and taken as alive, and this process refuses to register without its start time', async () => {
    const gone = spawn('true', [], { stdio: 'ignore' });
    const deadPid = gone.pid!;
    await new Promise((resolve) => gone.once('exit', resolve));
    const fixture = fileURLToPath(new URL('./fixtures/emfile.mjs', import.meta.url));
    // A low descriptor limit keeps the child quick (prlimit is util-linux; without it, the
    // child opens up to the inherited limit).
    const cmd = existsSync('/usr/bin/prlimit')
      ? ['/usr/bin/prlimit', ['--nofile=256:256', process.execPath, fixture, String(deadPid)]] as const
      : [process.execPath, [fixture, String(deadPid)]] as const;
    const out = spawnSync(cmd[0], [...cmd[1]], { encoding: 'utf8', timeout: 60_000 });
    expect(out.stderr).toBe('');
    const report = JSON.parse(out.stdout) as { fds: number; self: string; dead: boolean };
    expect(report.fds).toBeGreaterThan(0);
    expect(report.self).toBe('ERR_DATABLOCK_SYSTEM');
    expect(report.dead).toBe(true); // a dead pid, but /proc could not be read: not taken for dead
    expect(isAlive({ pid: deadPid, startTime: 1 })).toBe(false); // with descriptors: dead
  });
});
