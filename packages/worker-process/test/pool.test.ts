// The warm-worker pool: processes started ahead have imported the entry before a spawn takes
// them; each runs exactly one worker with its own arguments and env, then exits; a replacement
// starts in the background; options a warm process cannot honour start cold; close() kills the
// idle ones.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkerPool, type WorkerPool } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { waitUntilGone } from './helpers.js';

cleanupWorkersAfterEach();

const ENTRY = fileURLToPath(new URL('./fixtures/pool-worker.mjs', import.meta.url));
let pool: WorkerPool | undefined;
afterEach(() => pool?.close());

interface Info {
  importedAt: string;
  args: string[];
  argv: string[];
  greeting: string | null;
}

async function info(worker: { waitForReady(o: { timeoutMs: number }): Promise<{ payload?: string }> }): Promise<Info> {
  const { payload } = await worker.waitForReady({ timeoutMs: 20_000 });
  return JSON.parse(payload!) as Info;
}

describe('WorkerPool', () => {
  it('hands a spawn a process that imported the entry before the call; one worker per process', async () => {
    pool = createWorkerPool(ENTRY, { size: 2 });
    await pool.warmed();
    expect(pool.idle).toBe(2);
    const before = process.hrtime.bigint();
    const a = pool.spawnWorkerWithReadySignal('pool.info', ['x y', 'z'], { env: { PLH_POOL_GREETING: 'hello' } });
    const b = pool.spawnWorkerWithReadySignal('pool.info', ['second']);
    const [ia, ib] = [await info(a), await info(b)];
    expect(BigInt(ia.importedAt)).toBeLessThan(before);
    expect(BigInt(ib.importedAt)).toBeLessThan(before);
    expect(ia).toMatchObject({ args: ['x y', 'z'], argv: ['pool.info', 'x y', 'z'], greeting: 'hello' });
    expect(ib).toMatchObject({ args: ['second'], greeting: null });
    expect(a.pid).not.toBe(b.pid);
    expect(a.scenario).toBe('pool.info');
    await a.expectOk({ timeoutMs: 10_000 });
    await b.expectOk({ timeoutMs: 10_000 });
    expect(pool.stats).toEqual({ warm: 2, cold: 0 });
    // Replacements started in the background.
    await pool.warmed();
    expect(pool.idle).toBe(2);
  }, 60_000);

  it('starts cold when the options need a fresh process (release: false) or the pool is closed', async () => {
    pool = createWorkerPool(ENTRY, { size: 1 });
    await pool.warmed();
    const before = process.hrtime.bigint();
    const cold = pool.spawnWorkerWithReadySignal('pool.info', [], { release: false });
    expect(BigInt((await info(cold)).importedAt)).toBeGreaterThan(before);
    await cold.expectOk({ timeoutMs: 10_000 });
    pool.close();
    const afterClose = pool.spawnWorkerWithReadySignal('pool.info');
    await info(afterClose);
    await afterClose.expectOk({ timeoutMs: 10_000 });
    expect(pool.stats).toEqual({ warm: 0, cold: 2 });
  }, 60_000);

  it('close() ends the idle processes without running anything', async () => {
    pool = createWorkerPool(ENTRY, { size: 2 });
    await pool.warmed();
    const pids = pool.idlePids();
    expect(pids).toHaveLength(2);
    await pool.close();
    for (const pid of pids) expect(await waitUntilGone(pid, 10_000)).toBe(true);
    expect(pool.idle).toBe(0);
  }, 60_000);

  it('rejects a bad size with a typed error', () => {
    expect(() => createWorkerPool(ENTRY, { size: 0 })).toThrow(expect.objectContaining({ code: 'ERR_WORKER_INVALID_ARGUMENT' }));
  });
});
