import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock, DataBlockMutex } from '../src/index.js';
import { expectCode, namer } from './helpers.js';

const names = namer('mutex');
afterEach(() => names.cleanup());
afterAll(() => expect(names.leftovers()).toEqual([]));

describe('DataBlockMutex (one process)', () => {
  it('create, attach, lock/unlock, tryLock, timeouts', () => {
    const name = names.next();
    const a = DataBlockMutex.create(name);
    const b = DataBlockMutex.attach(name);
    expect(a.lock()).toEqual({ recovered: false });
    expect(a.state.locked).toBe(true);
    expect(a.state.ownerTid).toBe(process.pid);
    expect(a.tryLock()).toBeNull(); // held by this handle
    expect(b.tryLock()).toBeNull(); // held by this thread through another handle
    expectCode(() => a.lock(), 'ERR_DATABLOCK_DEADLOCK');
    a.unlock();
    expect(a.state.locked).toBe(false);
    expect(a.state.unlockGeneration).toBe(1);
    expect(b.tryLock()).toEqual({ recovered: false });
    b.unlock();
    expect(a.lock({ timeoutMs: 0 })).toEqual({ recovered: false });
    a.unlock();
    b.close();
    a.close();
  });

  it('unlock without lock is ERR_DATABLOCK_NOT_OWNER; bad timeouts are ERR_DATABLOCK_INVALID_ARGUMENT', () => {
    const m = DataBlockMutex.create(names.next());
    expectCode(() => m.unlock(), 'ERR_DATABLOCK_NOT_OWNER');
    expectCode(() => m.lock({ timeoutMs: -5 }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => m.lock({ timeoutMs: Number.NaN }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    m.close();
  });

  it('use after close and double close', async () => {
    const m = DataBlockMutex.create(names.next());
    m.close();
    m.close();
    expect(m.closed).toBe(true);
    expectCode(() => m.lock(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => m.unlock(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => m.state, 'ERR_DATABLOCK_CLOSED');
    await expect(m.lockAsync()).rejects.toMatchObject({ code: 'ERR_DATABLOCK_CLOSED' });
  });

  it('create when it exists, attach when missing, attach to a DataBlock name', () => {
    const name = names.next();
    const m = DataBlockMutex.create(name);
    expectCode(() => DataBlockMutex.create(name), 'ERR_DATABLOCK_EXISTS');
    expectCode(() => DataBlockMutex.attach(names.next()), 'ERR_DATABLOCK_NOT_FOUND');
    const blockName = names.next();
    const block = DataBlock.create(blockName, { slotCount: 1, slotSize: 8 });
    expectCode(() => DataBlockMutex.attach(blockName), 'ERR_DATABLOCK_WRONG_KIND');
    block.close();
    m.close();
  });

  it('withLock (sync and async fn), withLockAsync and guard always unlock', async () => {
    const m = DataBlockMutex.create(names.next());
    expect(m.withLock(() => 5)).toBe(5);
    expect(m.state.locked).toBe(false);
    expect(() => m.withLock(() => { throw new Error('boom'); })).toThrow('boom');
    expect(m.state.locked).toBe(false);
    const p = m.withLock(async () => { await Promise.resolve(); return 'later'; });
    expect(m.state.locked).toBe(true);
    expect(await p).toBe('later');
    expect(m.state.locked).toBe(false);
    await expect(m.withLock(async () => { throw new Error('async boom'); })).rejects.toThrow('async boom');
    expect(m.state.locked).toBe(false);
    expect(await m.withLockAsync(async (r) => r.recovered)).toBe(false);
    expect(m.state.locked).toBe(false);
    {
      const g = m.guard();
      expect(g.recovered).toBe(false);
      expect(m.state.locked).toBe(true);
      g[Symbol.dispose]();
      g[Symbol.dispose]();
    }
    expect(m.state.locked).toBe(false);
    m.close();
  });

  it('lockAsync queues behind a holder in the same thread, honours timeout and AbortSignal', async () => {
    const m = DataBlockMutex.create(names.next());
    m.lock();
    const t0 = performance.now();
    await expect(m.lockAsync({ timeoutMs: 30 })).rejects.toMatchObject({ code: 'ERR_DATABLOCK_TIMEOUT' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    const ac = new AbortController();
    const aborted = m.lockAsync({ signal: ac.signal });
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_DATABLOCK_ABORTED' });
    const queued = m.lockAsync({ timeoutMs: 5000 });
    await Promise.resolve();
    m.unlock();
    expect(await queued).toEqual({ recovered: false });
    m.unlock();
    expect(m.state.asyncWaiters).toBe(0);
    m.close();
  });

  it('the block mutex behaves the same', () => {
    const block = DataBlock.create(names.next(), { slotCount: 2, slotSize: 16 });
    expectCode(() => block.mutex.unlock(), 'ERR_DATABLOCK_NOT_OWNER');
    expect(block.mutex.withLock(() => block.mutex.state.locked)).toBe(true);
    block.close();
  });
});
