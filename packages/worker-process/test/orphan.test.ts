import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PARENT_GONE_EXIT_CODE, spawnWorker, spawnWorkerWithReadySignal } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { forceKill, isAlive, WORKER, waitUntilGone } from './helpers.js';

cleanupWorkersAfterEach();

describe('no orphans', () => {
  let grandchild: number | undefined;
  afterEach(() => forceKill(grandchild)); // nothing left behind even if the test fails

  it('a worker exits by itself when its parent is SIGKILLed', async () => {
    const parent = spawnWorkerWithReadySignal(WORKER, 'orphan.parent');
    const { payload } = await parent.waitForReady();
    grandchild = Number(payload);
    expect(Number.isInteger(grandchild) && grandchild > 0).toBe(true);
    expect(isAlive(grandchild)).toBe(true);

    parent.kill('SIGKILL');
    expect(await parent.waitForExit()).toMatchObject({ signal: 'SIGKILL' });
    expect(await waitUntilGone(grandchild, 5_000)).toBe(true);
  });

  it('runWorker removes the lifeline variable so the worker\'s own children do not inherit it', async () => {
    const result = await spawnWorker(WORKER, 'basic.lifelineEnv').expectOk();
    expect(result.stdout).toBe('lifeline env after runWorker: undefined\n');
  });

  it(`EOF on the lifeline (parent gone) ends the worker with exit code ${PARENT_GONE_EXIT_CODE}`, async () => {
    // Plain node:child_process, holding the parent end ourselves, so we can close it without dying.
    const child = spawn(process.execPath, [WORKER, 'basic.hang'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, PLH_PARENT_LIFELINE_FD: '3' },
    });
    grandchild = child.pid;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // EOF is sticky: closing before the worker starts watching is the same as closing after.
    (child.stdio[3] as Socket).destroy();
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code).toBe(PARENT_GONE_EXIT_CODE);
  });
});
