// The project's timeout convention (top README, "Timeouts") as @plh/worker-process applies it to
// its spawn options (readyTimeoutMs, exitTimeoutMs) and to every wait's timeoutMs.
import { describe, expect, it } from 'vitest';
import { spawnWorker, spawnWorkerWithReadySignal, WorkerProcessError } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { WORKER } from './helpers.js';

cleanupWorkersAfterEach();

const ACCEPTED = 'must be 0 (do not block), a positive number of milliseconds or Infinity (no bound)';
const INVALID = [-1, -Infinity, Number.NaN, '100', null, true];

describe('timeout convention', () => {
  it('waitForReady({ timeoutMs: Infinity }) and readyTimeoutMs: Infinity are accepted', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.payload', ['inf'], { readyTimeoutMs: Infinity, exitTimeoutMs: Infinity });
    await expect(worker.waitForReady({ timeoutMs: Infinity })).resolves.toMatchObject({ payload: 'inf' });
    await expect(worker.waitForReady()).resolves.toMatchObject({ payload: 'inf' });
    const result = await worker.waitForExit({ timeoutMs: Infinity });
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, forcedKill: false });
  });

  it('waitForReady({ timeoutMs: 0 }) does not block: not ready yet fails at once, already ready resolves', async () => {
    const silent = spawnWorkerWithReadySignal(WORKER, 'basic.hang');
    await expect(silent.waitForReady({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'ERR_WORKER_READY_TIMEOUT' });
    const ready = spawnWorkerWithReadySignal(WORKER, 'ready.hang');
    await ready.waitForReady();
    await expect(ready.waitForReady({ timeoutMs: 0 })).resolves.toEqual(expect.objectContaining({}));
  });

  it.each(INVALID)('timeoutMs %s of a wait rejects with ERR_WORKER_INVALID_ARGUMENT saying what is accepted', async (value) => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.hang');
    for (const wait of [
      () => worker.waitForReady({ timeoutMs: value as number }),
      () => worker.waitForCheckpoint('x', { timeoutMs: value as number }),
      () => worker.waitForExit({ timeoutMs: value as number }),
    ]) {
      const error = await wait().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerProcessError);
      expect(error).toMatchObject({ code: 'ERR_WORKER_INVALID_ARGUMENT', message: expect.stringContaining(ACCEPTED) });
    }
  });

  it.each(INVALID)('readyTimeoutMs / exitTimeoutMs %s throw at spawn, before anything runs', (value) => {
    for (const key of ['readyTimeoutMs', 'exitTimeoutMs']) {
      expect(() => spawnWorker(WORKER, 'basic.ok', [], { [key]: value } as never)).toThrow(
        expect.objectContaining({ code: 'ERR_WORKER_INVALID_ARGUMENT', message: expect.stringContaining(ACCEPTED) }),
      );
    }
  });
});
