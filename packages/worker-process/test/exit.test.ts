import { describe, expect, it } from 'vitest';
import { killAllWorkers, spawnWorker, spawnWorkerWithReadySignal } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { isAlive, WORKER } from './helpers.js';

cleanupWorkersAfterEach();

describe('waitForExit', () => {
  it('past the timeout sends SIGTERM, then SIGKILL to a worker that ignores SIGTERM', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.ignoreSigterm');
    await worker.waitForReady(); // its SIGTERM handler is installed
    const result = await worker.waitForExit({ timeoutMs: 100, graceMs: 300 });
    expect(result).toMatchObject({ timedOut: true, forcedKill: true, signal: 'SIGKILL', exitCode: null });
    expect(result.stderr).toContain('ignoring SIGTERM'); // it did get the SIGTERM first
    const error = await worker.expectOk({ timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_FAILED', signal: 'SIGKILL', timedOut: true });
  });

  it('SIGTERM alone is enough for a worker that does not ignore it', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.hang');
    await worker.waitForReady();
    const result = await worker.waitForExit({ timeoutMs: 50, graceMs: 10_000 });
    expect(result).toMatchObject({ timedOut: true, forcedKill: false, signal: 'SIGTERM' });
  });

  it('kill(signal) sends that signal', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.hang');
    await worker.waitForReady();
    expect(worker.kill('SIGINT')).toBe(true);
    expect(await worker.waitForExit()).toMatchObject({ signal: 'SIGINT', timedOut: false });
    expect(worker.kill()).toBe(false);
  });
});

describe('Symbol.asyncDispose', () => {
  it('terminates the worker', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.hang');
    await worker.waitForReady();
    await worker[Symbol.asyncDispose]();
    expect(worker.exited).toBe(true);
    expect(isAlive(worker.pid)).toBe(false);
  });
});

describe('exitAbruptly', () => {
  it('ends the worker with the code and skips exit handlers and finally blocks', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'abrupt.exit', ['7']);
    await worker.waitForReady();
    const result = await worker.waitForExit();
    expect(result.exitCode).toBe(7);
    expect(result.stderr).not.toContain('EXIT HANDLER RAN');
    expect(result.stderr).not.toContain('FINALLY RAN');
  });

  it('(control) a normal exit does run the exit handler', async () => {
    const result = await spawnWorker(WORKER, 'abrupt.control').waitForExit();
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('EXIT HANDLER RAN');
  });
});

describe('killAllWorkers and the vitest helper', () => {
  let leftBehind: number[] = [];

  it('a test that leaves workers running...', async () => {
    const workers = [spawnWorkerWithReadySignal(WORKER, 'ready.hang'), spawnWorkerWithReadySignal(WORKER, 'ready.ignoreSigterm')];
    await Promise.all(workers.map((w) => w.waitForReady()));
    leftBehind = workers.map((w) => w.pid);
  });

  it('...finds them killed by cleanupWorkersAfterEach', () => {
    expect(leftBehind).toHaveLength(2);
    for (const pid of leftBehind) expect(isAlive(pid)).toBe(false);
  });

  it('killAllWorkers terminates every live worker and reports how many', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.hang');
    await worker.waitForReady();
    expect(await killAllWorkers({ graceMs: 1_000 })).toBe(1);
    expect(worker.exited).toBe(true);
    expect(isAlive(worker.pid)).toBe(false);
  });
});
