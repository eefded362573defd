import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { attachReadySignal, prepareReadySignal } from '../src/index.js';
import { spawnSignalled, spawnTracked } from './helpers.js';

describe('other endings and set-ups', () => {
  it('a child that fails to spawn is gone, with the spawn error', async () => {
    const setup = prepareReadySignal();
    const child = spawn('/nonexistent/plh-worker', [], { stdio: ['ignore', 'pipe', 'pipe', ...setup.stdio], env: { ...process.env, ...setup.env } });
    const parent = attachReadySignal(child, setup);
    const error = await parent.waitForReady({ timeoutMs: 20_000 }).catch((e: unknown) => e as Error);
    parent.close();
    expect(error).toMatchObject({ code: 'ERR_READY_CHILD_GONE', message: expect.stringContaining('ENOENT') });
  });

  it('a checkpoint wait rejects when the child closes its fd after ready and runs on', async () => {
    // The child signals ready (closing the fd) and stays alive: no checkpoint can come any more.
    const { parent } = spawnSignalled(process.execPath, ['-e', 'require("@plh/ready-signal").signalTestReady(); setInterval(() => {}, 1000)']);
    await parent.waitForReady({ timeoutMs: 10_000 });
    await expect(parent.waitForCheckpoint('more', { timeoutMs: 20_000 })).rejects.toMatchObject({
      code: 'ERR_READY_CHILD_GONE',
      message: expect.stringContaining('still running'),
    });
  });

  it('works at another fd number (firstFd 5)', async () => {
    const setup = prepareReadySignal({ release: true, firstFd: 5 });
    const code = 'const r = require("@plh/ready-signal"); r.signalTestReady(process.env.PLH_TEST_READY_FD ?? "gone", { keepOpen: true }); r.waitForRelease({ timeoutMs: 10000 }).then(() => r.signalCheckpoint("out", { last: true }))';
    const child = spawnTracked(process.execPath, ['-e', code], ['ignore', 'ignore', 'pipe', 'ignore', 'ignore', ...setup.stdio], { ...process.env, ...setup.env });
    const parent = attachReadySignal(child, setup);
    await expect(parent.waitForReady({ timeoutMs: 10_000 })).resolves.toEqual({ payload: 'gone' });
    parent.release();
    await expect(parent.waitForCheckpoint('out', { timeoutMs: 10_000 })).resolves.toBeUndefined();
    parent.close();
  });
});
