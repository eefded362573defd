import { describe, expect, it } from 'vitest';
import { createMapped, itOwnerDeath, native, runChild } from './helpers';

const { errno } = native;
const M = 64; // mutex offset

/** A child that maps the segment, locks the mutex, says "locked", then waits for stdin to end. */
function lockingChild(name: string, size: number) {
  return runChild(
    `const fd = native.shmOpen(argv[0], true);
     const m = new native.Mapping(fd, Number(argv[1]), true);
     native.fdClose(fd);
     say('lock ' + m.mutexLock(${M}, -1));
     process.stdin.resume();
     process.stdin.on('end', () => { say('unlock ' + m.mutexUnlock(${M})); m.close(); });`,
    [name, String(size)],
  );
}

describe('robust process-shared mutex', () => {
  it('lock / unlock / tryLock / EDEADLK in one process', () => {
    const { map } = createMapped(4096);
    map.mutexInit(M);
    expect(map.mutexLock(M, -1)).toBe(0);
    expect(map.mutexLock(M, Infinity)).toBe(errno.EDEADLK);
    expect(map.mutexUnlock(M)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(errno.EPERM);
    expect(map.mutexTryLock(M)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
    expect(map.mutexLock(M, 100)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
    expect(map.mutexConsistent(M)).toBe(errno.EINVAL);
  });

  it('range-checks mutex offsets (inside, aligned to 8, pthreadMutexSize bytes)', () => {
    const { map } = createMapped(4096);
    const range = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(() => map.mutexInit(4)).toThrow(range);
    expect(() => map.mutexInit(4096 - native.pthreadMutexSize + 8)).toThrow(range);
    expect(() => map.mutexLock(-8, 0)).toThrow(range);
    expect(() => map.mutexLock(0, Number.NaN)).toThrow(range);
    expect(() => (map as any).mutexLock(0)).toThrow(TypeError);
    map.mutexInit(4096 - native.pthreadMutexSize);
  });

  it('another process: tryLock is EBUSY, timed lock ETIMEDOUT, unlock by non-owner EPERM', async () => {
    const { name, map } = createMapped(4096);
    map.mutexInit(M);
    const child = lockingChild(name, 4096);
    expect(await child.nextLine()).toBe('lock 0');
    expect(map.mutexTryLock(M)).toBe(errno.EBUSY);
    const t0 = performance.now();
    expect(map.mutexLock(M, 50)).toBe(errno.ETIMEDOUT);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(45);
    expect(map.mutexLock(M, 0)).toBe(errno.ETIMEDOUT);
    expect(map.mutexUnlock(M)).toBe(errno.EPERM);
    child.proc.stdin!.end();
    expect(await child.nextLine()).toBe('unlock 0');
    expect((await child.exited).code).toBe(0);
    expect(map.mutexTryLock(M)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
  });

  itOwnerDeath('EOWNERDEAD after the owner is SIGKILLed; consistent + unlock recovers it', async () => {
    const { name, map } = createMapped(4096);
    map.mutexInit(M);
    const child = lockingChild(name, 4096);
    expect(await child.nextLine()).toBe('lock 0');
    child.proc.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    expect(map.mutexLock(M, 5000)).toBe(errno.EOWNERDEAD);
    expect(map.mutexConsistent(M)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
    expect(map.mutexLock(M, 5000)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
  });

  itOwnerDeath('EOWNERDEAD also reaches a tryLock, and after exit() (_exit) of the owner', async () => {
    const { name, map } = createMapped(4096);
    map.mutexInit(M);
    const child = runChild(
      `const fd = native.shmOpen(argv[0], true);
       const m = new native.Mapping(fd, 4096, true);
       m.mutexLock(${M}, -1);
       native.exit(3);`,
      [name],
    );
    expect((await child.exited).code).toBe(3);
    expect(map.mutexTryLock(M)).toBe(errno.EOWNERDEAD);
    expect(map.mutexConsistent(M)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
  });

  itOwnerDeath('ENOTRECOVERABLE when unlocked without consistent', async () => {
    const { name, map } = createMapped(4096);
    map.mutexInit(M);
    const child = lockingChild(name, 4096);
    expect(await child.nextLine()).toBe('lock 0');
    child.proc.kill('SIGKILL');
    await child.exited;
    expect(map.mutexLock(M, 5000)).toBe(errno.EOWNERDEAD);
    expect(map.mutexUnlock(M)).toBe(0);
    expect(map.mutexLock(M, 5000)).toBe(errno.ENOTRECOVERABLE);
    expect(map.mutexTryLock(M)).toBe(errno.ENOTRECOVERABLE);
    // mutexInit on the same memory makes it usable again.
    map.mutexInit(M);
    expect(map.mutexLock(M, 0)).toBe(0);
    expect(map.mutexUnlock(M)).toBe(0);
  });

  it('a blocked locker gets the mutex when the holder unlocks (cross-process hand-off)', async () => {
    const { name, map } = createMapped(4096);
    map.mutexInit(M);
    expect(map.mutexLock(M, -1)).toBe(0);
    const child = runChild(
      `const fd = native.shmOpen(argv[0], true);
       const m = new native.Mapping(fd, 4096, true);
       const v = new Int32Array(m.buffer(0, 64));
       say('locking');
       const rc = m.mutexLock(${M}, 10000);
       say('got ' + rc + ' ' + v[0]);
       m.mutexUnlock(${M});`,
      [name],
    );
    expect(await child.nextLine()).toBe('locking');
    new Int32Array(map.buffer(0, 64))[0] = 42;
    expect(map.mutexUnlock(M)).toBe(0);
    expect(await child.nextLine()).toBe('got 0 42');
    expect((await child.exited).code).toBe(0);
  });
});
