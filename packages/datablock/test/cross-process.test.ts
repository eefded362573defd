import { readFileSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock, DataBlockMutex } from '../src/index.js';
import { native } from '../src/native.js';
import { expectCode, killChildren, namer, spawnFixture } from './helpers.js';

const names = namer('xproc');
afterEach(async () => {
  await killChildren();
  names.cleanup();
});
afterAll(() => expect(names.leftovers()).toEqual([]));

describe('across processes', () => {
  it('an attacher in another process sees the flex-zone bytes the creator wrote, and vice versa', async () => {
    const name = names.next();
    const block = DataBlock.create(name, { slotCount: 2, slotSize: 64, flexZoneSize: 8 });
    block.flexZone.set([0xca, 0xfe, 0xba, 0xbe]);
    const child = spawnFixture('holder.mjs', ['block', name, 'flex']);
    expect(await child.line(/^flex /)).toBe('flex cafebabe00000000');
    await child.line('wrote');
    expect((await child.exited).code).toBe(0);
    expect([...block.flexZone.subarray(0, 4)]).toEqual([9, 8, 7, 0xbe]);
    block.close();
  });

  it('an attacher waits for the magic that the creator writes last', async () => {
    const template = names.next();
    const block = DataBlock.create(template, { slotCount: 2, slotSize: 64, flexZoneSize: 8 });
    block.flexZone.set([0xab]);
    const bytes = readFileSync(`/dev/shm/plh.${template}`);
    block.close();
    const name = names.next();
    const magic = Buffer.from(bytes.subarray(0, 4));
    bytes.fill(0, 0, 4); // everything in place except the magic
    writeFileSync(`/dev/shm/plh.${name}`, bytes, { mode: 0o600, flag: 'wx' });
    const child = spawnFixture('holder.mjs', ['block', name, 'flex']);
    await child.line('starting');
    const fd = openSync(`/dev/shm/plh.${name}`, 'r+');
    try { writeSync(fd, magic, 0, 4, 0); } finally { closeSync(fd); }
    expect(await child.line(/^flex /)).toBe('flex ab00000000000000');
    expect((await child.exited).code).toBe(0);
  });

  for (const kind of ['mutex', 'block'] as const) {
    it(`${kind}: a child that dies holding the lock (SIGKILL) -> next lock returns { recovered: true }`, async () => {
      const name = names.next();
      const handle = kind === 'mutex' ? DataBlockMutex.create(name) : DataBlock.create(name, { slotCount: 1, slotSize: 8 });
      const mutex = kind === 'mutex' ? (handle as DataBlockMutex) : (handle as DataBlock).mutex;
      const child = spawnFixture('holder.mjs', [kind, name, 'lock-and-hang']);
      await child.line('locked false');
      expect(mutex.tryLock()).toBeNull();
      child.proc.kill('SIGKILL');
      await child.exited;
      expect(mutex.lock({ timeoutMs: 5000 })).toEqual({ recovered: true });
      mutex.unlock();
      expect(mutex.lock({ timeoutMs: 0 })).toEqual({ recovered: false });
      mutex.unlock();
      handle.close();
    });
  }

  it('lockAsync resolves when another process unlocks, and the event loop keeps ticking meanwhile', async () => {
    const name = names.next();
    const mutex = DataBlockMutex.create(name);
    const child = spawnFixture('holder.mjs', ['mutex', name, 'lock-until-told']);
    await child.line('locked false');
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    try {
      let settled = false;
      const pending = mutex.lockAsync({ timeoutMs: 10_000 }).finally(() => { settled = true; });
      // Let the event loop run a few timer ticks while the lock is held elsewhere.
      while (ticks < 5) await new Promise((r) => setTimeout(r, 1));
      expect(settled).toBe(false);
      child.send('unlock\n');
      await child.line('unlocked');
      expect(await pending).toEqual({ recovered: false });
      expect(ticks).toBeGreaterThanOrEqual(5);
      mutex.unlock();
    } finally {
      clearInterval(timer);
    }
    child.send('exit\n');
    expect((await child.exited).code).toBe(0);
    mutex.close();
  });

  it('mutual exclusion: two processes (lock) and this one (lockAsync) increment a plain counter', async () => {
    const name = names.next();
    const block = DataBlock.create(name, { slotCount: 1, slotSize: 8, flexZoneSize: 8 });
    const view = new DataView(block.flexZone.buffer, block.flexZone.byteOffset, 4);
    const N = 2000;
    const kids = [spawnFixture('holder.mjs', ['block', name, `count:${N}`]), spawnFixture('holder.mjs', ['block', name, `count:${N}`])];
    await Promise.all(kids.map((k) => k.line('counting')));
    for (let i = 0; i < N; i++) {
      await block.mutex.withLockAsync(() => view.setUint32(0, view.getUint32(0, true) + 1, true), { timeoutMs: 10_000 });
    }
    await Promise.all(kids.map((k) => k.line('done')));
    for (const k of kids) expect((await k.exited).code).toBe(0);
    expect(view.getUint32(0, true)).toBe(3 * N);
    block.close();
  });

  it('lockAsync recovers from an owner that died without unlocking', async () => {
    const name = names.next();
    const mutex = DataBlockMutex.create(name);
    const child = spawnFixture('holder.mjs', ['mutex', name, 'lock-and-hang']);
    await child.line('locked false');
    const pending = mutex.lockAsync({ timeoutMs: 10_000 });
    child.proc.kill('SIGKILL');
    expect(await pending).toEqual({ recovered: true });
    mutex.unlock();
    mutex.close();
  });

  it('unlocking after EOWNERDEAD without consistent -> ERR_DATABLOCK_NOT_RECOVERABLE', async () => {
    const name = names.next();
    const mutex = DataBlockMutex.create(name);
    const child = spawnFixture('holder.mjs', ['mutex', name, 'lock-and-hang']);
    await child.line('locked false');
    child.proc.kill('SIGKILL');
    await child.exited;
    // A careless user of the raw binding: lock (EOWNERDEAD) then unlock without mutexConsistent.
    const fd = native.shmOpen(`/plh.mutex.${name}`, true);
    const map = new native.Mapping(fd, native.fdSize(fd), true);
    native.fdClose(fd);
    expect(map.mutexLock(mutex.layout.mutexOffset, 1000)).toBe(native.errno.EOWNERDEAD);
    expect(map.mutexUnlock(mutex.layout.mutexOffset)).toBe(0);
    map.close();
    expectCode(() => mutex.lock({ timeoutMs: 1000 }), 'ERR_DATABLOCK_NOT_RECOVERABLE');
    expect(mutex.state.notRecoverable).toBe(true);
    mutex.close();
  });
});
