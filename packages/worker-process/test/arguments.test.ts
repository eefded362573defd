import { describe, expect, it } from 'vitest';
import { spawnProcess, spawnWorker, spawnWorkerWithReadySignal, WorkerProcessError } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { WORKER } from './helpers.js';

cleanupWorkersAfterEach();

function thrown(fn: () => unknown): WorkerProcessError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkerProcessError);
    return error as WorkerProcessError;
  }
  throw new Error('expected a WorkerProcessError, nothing was thrown');
}

describe('bad input is rejected up front with a typed error', () => {
  it('an entry file that does not exist', () => {
    const error = thrown(() => spawnWorker('./no/such/worker.mjs', 'a.b'));
    expect(error.code).toBe('ERR_WORKER_ENTRY_NOT_FOUND');
    expect(error.message).toContain('no/such/worker.mjs');
    expect(error.message).toContain('Pass the path of an existing script');
  });

  it('an entry that is not a path', () => {
    expect(thrown(() => spawnWorker(42 as never, 'a.b')).code).toBe('ERR_WORKER_INVALID_ARGUMENT');
  });

  it.each(['nodot', '', '.leading', 'trailing.', 'has space.x', 'a..b'])('scenario name %j', (name) => {
    const error = thrown(() => spawnWorkerWithReadySignal(WORKER, name));
    expect(error.code).toBe('ERR_WORKER_BAD_SCENARIO_NAME');
    expect(error.message).toContain("'module.scenario'");
  });

  it('non-string args', () => {
    const error = thrown(() => spawnWorker(WORKER, 'basic.ok', ['ok', 3 as never]));
    expect(error.code).toBe('ERR_WORKER_INVALID_ARGUMENT');
    expect(error.message).toContain('args[1] must be a string, got 3 (number)');
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', 'not-an-array' as never)).code).toBe('ERR_WORKER_INVALID_ARGUMENT');
  });

  it.each([
    ['readyTimeoutMs', -1],
    ['exitTimeoutMs', Number.NaN],
    ['killGraceMs', '100'],
    ['killGraceMs', Infinity],
  ])('%s = %s', (key, value) => {
    const error = thrown(() => spawnWorker(WORKER, 'basic.ok', [], { [key]: value } as never));
    expect(error.code).toBe('ERR_WORKER_INVALID_ARGUMENT');
    expect(error.message).toContain(`${key} option must be`);
  });

  it('unknown options, bad env values, a missing cwd, a non-AbortSignal signal', () => {
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', [], { timeout: 5 } as never)).message).toContain('Unknown option "timeout"');
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', [], { env: { N: 1 } } as never)).message).toContain('env.N must be a string');
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', [], { cwd: '/no/such/dir' })).message).toContain('does not exist');
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', [], { signal: {} } as never)).message).toContain('must be an AbortSignal');
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', [], { release: true })).message).toContain('needs the ready pipe');
  });

  it('a signal that is already aborted does not spawn', () => {
    expect(thrown(() => spawnWorker(WORKER, 'basic.ok', [], { signal: AbortSignal.abort() })).code).toBe('ERR_WORKER_ABORTED');
  });

  it('an executable that does not exist', () => {
    const error = thrown(() => spawnProcess('plh-no-such-executable-xyz'));
    expect(error.code).toBe('ERR_WORKER_SPAWN_FAILED');
    expect(error.message).toContain('not found on PATH');
    expect(thrown(() => spawnProcess('/no/such/bin')).message).toContain('does not exist');
  });

  it('ready/release methods on a worker spawned without the pipes, and bad wait options', async () => {
    const worker = spawnWorker(WORKER, 'basic.ok');
    await expect(worker.waitForReady()).rejects.toMatchObject({ code: 'ERR_WORKER_NO_READY_SIGNAL' });
    expect(() => worker.release()).toThrow(expect.objectContaining({ code: 'ERR_WORKER_NO_RELEASE_PIPE' }));
    await expect(worker.waitForExit({ timeoutMs: -5 })).rejects.toMatchObject({ code: 'ERR_WORKER_INVALID_ARGUMENT' });
    await worker.expectOk();

    const noRelease = spawnWorkerWithReadySignal(WORKER, 'ready.payload', ['x'], { release: false });
    await noRelease.waitForReady();
    expect(() => noRelease.release()).toThrow(expect.objectContaining({ code: 'ERR_WORKER_NO_RELEASE_PIPE' }));
    await noRelease.expectOk();
  });
});
