import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, readStartTime, selfIdentity } from '../src/liveness.js';

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
});
