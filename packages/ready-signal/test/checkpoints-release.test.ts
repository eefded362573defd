import { describe, expect, it } from 'vitest';
import { closed, collectStdout, spawnNode, spawnSignalled } from './helpers.js';

describe('checkpoints', () => {
  it('records ready and checkpoints in order; a checkpoint that already arrived still resolves', async () => {
    const { child, parent } = spawnNode('checkpoints.mjs', ['loaded', 'connected', 'serving']);
    await expect(parent.waitForReady({ timeoutMs: 10_000 })).resolves.toEqual({ payload: 'with-checkpoints' });
    await parent.waitForCheckpoint('serving', { timeoutMs: 10_000 });
    await expect(parent.waitForCheckpoint('loaded', { timeoutMs: 10_000 })).resolves.toBeUndefined();
    expect(parent.events.map((e) => (e.type === 'ready' ? 'ready' : e.name))).toEqual(['ready', 'loaded', 'connected', 'serving']);
    const times = parent.events.map((e) => e.hrtime);
    expect([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(times);
    expect(await closed(child)).toBe(0);
  });

  it('a checkpoint wait rejects at once when the child exits without sending it', async () => {
    const { parent } = spawnNode('checkpoints.mjs', ['loaded']);
    const started = Date.now();
    await expect(parent.waitForCheckpoint('never', { timeoutMs: 20_000 })).rejects.toMatchObject({
      code: 'ERR_READY_CHILD_GONE',
      message: expect.stringContaining('"never"'),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a checkpoint wait times out while the child lives on', async () => {
    const { parent } = spawnSignalled(process.execPath, ['-e', 'require("fs").writeSync(Number(process.env.PLH_TEST_READY_FD), "@ready\\n"); setInterval(() => {}, 1000)']);
    await parent.waitForReady({ timeoutMs: 10_000 });
    await expect(parent.waitForCheckpoint('x', { timeoutMs: 100 })).rejects.toMatchObject({ code: 'ERR_READY_TIMEOUT' });
  });
});

describe('release', () => {
  it('holds the child at the gate until release()', async () => {
    const { child, parent } = spawnNode('gated.mjs', [], { release: true });
    const stdout = collectStdout(child);
    await parent.waitForReady({ timeoutMs: 10_000 });
    expect(parent.events.map((e) => e.type)).toEqual(['ready']);
    const released = parent.waitForCheckpoint('released', { timeoutMs: 10_000 });
    parent.release();
    await released;
    expect(await closed(child)).toBe(0);
    expect(stdout()).toBe('released\n');
  });

  it('a release sent before the child waits is kept for it', async () => {
    const { child, parent } = spawnNode('gated.mjs', [], { release: true });
    parent.release();
    await parent.waitForCheckpoint('released', { timeoutMs: 10_000 });
    expect(await closed(child)).toBe(0);
  });

  it('the child gets ERR_READY_PARENT_GONE when the parent closes without releasing', async () => {
    const { child, parent } = spawnNode('gated.mjs', [], { release: true });
    const stdout = collectStdout(child);
    await parent.waitForReady({ timeoutMs: 10_000 });
    parent.close();
    expect(await closed(child)).toBe(1);
    expect(stdout()).toBe('ERR_READY_PARENT_GONE\n');
  });

  it('release() without a release pipe is a typed error', () => {
    const { parent } = spawnNode('ready.mjs');
    expect(() => parent.release()).toThrow(expect.objectContaining({ code: 'ERR_READY_INVALID_ARGUMENT' }));
  });
});
