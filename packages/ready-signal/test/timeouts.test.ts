// The project's timeout convention (top README, "Timeouts") as @plh/ready-signal applies it:
// undefined → the default of the kind of wait, 0 → do not block, a positive number → an upper
// bound in ms, Infinity → no bound, anything else → ERR_READY_INVALID_ARGUMENT.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RELEASE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS } from '../src/index.js';
import { spawnNode, spawnSignalled } from './helpers.js';

/** A child with the ready pipe that never signals (until the test kills it). */
const silentChild = () => spawnSignalled(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)']);

describe('timeout convention', () => {
  it('states its defaults: 10 s for ready and checkpoints, 30 s for the release gate', () => {
    expect(DEFAULT_TIMEOUT_MS).toBe(10_000);
    expect(DEFAULT_RELEASE_TIMEOUT_MS).toBe(30_000);
  });

  it('0 does not block: a wait whose outcome is not there yet fails at once with ERR_READY_TIMEOUT', async () => {
    const { parent } = silentChild();
    // Settles within the same turn of the event loop: nothing else can have run in between.
    let settledBeforeNextTurn = false;
    const outcome = parent.waitForReady({ timeoutMs: 0 }).catch((error: unknown) => {
      settledBeforeNextTurn = true;
      return error;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settledBeforeNextTurn).toBe(true);
    await expect(outcome).resolves.toMatchObject({ code: 'ERR_READY_TIMEOUT' });
    await expect(parent.waitForCheckpoint('never', { timeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_READY_TIMEOUT' });
  });

  it('0 succeeds when the outcome is already there', async () => {
    const { parent } = spawnNode('ready.mjs', ['p']);
    await parent.waitForReady({ timeoutMs: 10_000 });
    await expect(parent.waitForReady({ timeoutMs: 0 })).resolves.toEqual({ payload: 'p' });
  });

  it('Infinity means no bound (and arms no timer that would fire early)', async () => {
    const { parent } = spawnNode('ready.mjs', ['inf']);
    await expect(parent.waitForReady({ timeoutMs: Infinity })).resolves.toEqual({ payload: 'inf' });
  });

  it.each([-1, -Infinity, Number.NaN, '100', null, {}, true])('%s is ERR_READY_INVALID_ARGUMENT, saying what is accepted', async (timeoutMs) => {
    const { parent } = silentChild();
    const error = (await parent.waitForReady({ timeoutMs: timeoutMs as number }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
    expect(error.message).toContain('must be 0 (do not block), a positive number of milliseconds or Infinity (no bound)');
    await expect(parent.waitForCheckpoint('a', { timeoutMs: timeoutMs as number })).rejects.toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
  });
});
