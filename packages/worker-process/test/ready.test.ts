import { describe, expect, it } from 'vitest';
import { spawnWorkerWithReadySignal } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { WORKER } from './helpers.js';

cleanupWorkersAfterEach();

describe('spawnWorkerWithReadySignal', () => {
  it('waitForReady resolves with the payload, and the ready event is recorded', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.payload', ['port=4711']);
    await expect(worker.waitForReady()).resolves.toEqual({ by: 'signal', payload: 'port=4711' });
    await worker.expectOk();
    expect(worker.events).toHaveLength(1);
    expect(worker.events[0]).toMatchObject({ type: 'ready', payload: 'port=4711' });
  });

  it('release lets the worker pass its gate, then its checkpoint arrives', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.gate', ['after-gate']);
    await worker.waitForReady();
    expect(worker.events.map((e) => e.type)).toEqual(['ready']); // held at the gate
    worker.release();
    await worker.waitForCheckpoint('after-gate');
    await worker.expectOk();
    expect(worker.events.map((e) => (e.type === 'checkpoint' ? e.name : e.type))).toEqual(['ready', 'after-gate']);
  });

  it('checkpoints order processes: B passes its gate only after A reported', async () => {
    const a = spawnWorkerWithReadySignal(WORKER, 'ready.gate', ['a-done']);
    const b = spawnWorkerWithReadySignal(WORKER, 'ready.gate', ['b-done']);
    await Promise.all([a.waitForReady(), b.waitForReady()]);
    a.release();
    await a.waitForCheckpoint('a-done');
    b.release();
    await b.waitForCheckpoint('b-done');
    await Promise.all([a.expectOk(), b.expectOk()]);
    const aDone = a.events.find((e) => e.type === 'checkpoint')!;
    const bDone = b.events.find((e) => e.type === 'checkpoint')!;
    expect(aDone.hrtime < bDone.hrtime).toBe(true);
  });

  it('a worker that exits before ready rejects at once with its exit code and stderr tail', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.dieBefore', { readyTimeoutMs: 60_000 });
    const started = performance.now();
    const error = await worker.waitForReady().catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(30_000); // far below the 60 s timeout
    expect(error).toMatchObject({ code: 'ERR_WORKER_EXITED_BEFORE_READY', exitCode: 3, pid: worker.pid });
    expect((error as Error).message).toContain('exited with code 3 before signalling ready');
    expect((error as Error).message).toContain('fatal: database file missing');
  });

  it('a worker killed by a signal before ready names the signal', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.killedBefore', { readyTimeoutMs: 60_000 });
    const error = await worker.waitForReady().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_EXITED_BEFORE_READY', signal: 'SIGKILL' });
    expect((error as Error).message).toContain('was killed by SIGKILL');
    expect((error as Error).message).toContain('about to die by signal');
  });

  it('a worker that never signals times out with its own code', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'basic.hang');
    const error = await worker.waitForReady({ timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_READY_TIMEOUT' });
    expect((error as Error).message).toContain('did not signal ready within 300 ms');
  });

  it('an aborted wait rejects with ERR_WORKER_ABORTED; the worker keeps running', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'basic.hang');
    const controller = new AbortController();
    const waiting = worker.waitForReady({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_WORKER_ABORTED' });
    expect(worker.exited).toBe(false);
  });

  it('aborting the spawn signal kills the worker', async () => {
    const controller = new AbortController();
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.hang', { signal: controller.signal });
    await worker.waitForReady();
    controller.abort();
    const result = await worker.waitForExit();
    expect(result).toMatchObject({ signal: 'SIGTERM', timedOut: false });
  });
});
