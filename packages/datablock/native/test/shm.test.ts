import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { native, uniqueName } from './helpers';

describe('shm segments', () => {
  it('create / open / unlink round trip', () => {
    const name = uniqueName();
    const fd = native.shmCreate(name, 8192, 0o600);
    expect(fd).toBeGreaterThan(2);
    expect(existsSync(`/dev/shm${name}`)).toBe(true);
    expect(native.fdSize(fd)).toBe(8192);
    expect(native.fdOwner(fd)).toEqual({ uid: process.getuid!(), mode: 0o600 });
    const fd2 = native.shmOpen(name, false);
    expect(native.fdSize(fd2)).toBe(8192);
    native.fdClose(fd2);
    native.fdClose(fd);
    native.shmUnlink(name);
    expect(existsSync(`/dev/shm${name}`)).toBe(false);
  });

  it('applies the mode exactly (no umask)', () => {
    const name = uniqueName();
    const fd = native.shmCreate(name, 1, 0o666);
    expect(native.fdOwner(fd).mode).toBe(0o666);
    native.fdClose(fd);
  });

  it('EEXIST on a second create', () => {
    const name = uniqueName();
    native.fdClose(native.shmCreate(name, 4096, 0o600));
    expect(() => native.shmCreate(name, 4096, 0o600)).toThrow(
      expect.objectContaining({ code: 'EEXIST', errno: native.errno.EEXIST, syscall: 'shm_open' }),
    );
  });

  it('ENOENT on open or unlink of a missing segment', () => {
    const name = uniqueName();
    expect(() => native.shmOpen(name, true)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'shm_open' }));
    expect(() => native.shmUnlink(name)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'shm_unlink' }));
  });

  it('a reservation larger than /dev/shm is ENOSPC at create and leaves nothing behind', () => {
    const name = uniqueName();
    expect(() => native.shmCreate(name, 2 ** 50, 0o600)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^(ENOSPC|EFBIG)$/) }),
    );
    expect(existsSync(`/dev/shm${name}`)).toBe(false);
  });

  it.each([
    ['', 'EINVAL'],
    ['noslash', 'EINVAL'],
    ['/', 'EINVAL'],
    ['/a/b', 'EINVAL'],
    ['/a\0b', 'EINVAL'],
    ['/..', 'EINVAL'],
    [`/${'x'.repeat(255)}`, 'ENAMETOOLONG'],
  ])('bad name %j throws %s', (name, code) => {
    expect(() => native.shmCreate(name, 4096, 0o600)).toThrow(expect.objectContaining({ code }));
    expect(() => native.shmOpen(name, true)).toThrow(expect.objectContaining({ code }));
    expect(() => native.shmUnlink(name)).toThrow(expect.objectContaining({ code }));
  });

  it('the longest valid name works', () => {
    const name = `/plh.${process.pid}.${'y'.repeat(260)}`.slice(0, 255);
    expect(name.length).toBe(255);
    const fd = native.shmCreate(name, 1, 0o600);
    native.fdClose(fd);
    native.shmUnlink(name);
  });

  it('bad argument types and values throw TypeError / RangeError', () => {
    const b = native as any;
    expect(() => b.shmCreate(42, 1, 0o600)).toThrow(TypeError);
    expect(() => b.shmCreate(uniqueName(), 0, 0o600)).toThrow(RangeError);
    expect(() => b.shmCreate(uniqueName(), -1, 0o600)).toThrow(RangeError);
    expect(() => b.shmCreate(uniqueName(), 1.5, 0o600)).toThrow(RangeError);
    expect(() => b.shmCreate(uniqueName(), 1, 0o10000)).toThrow(RangeError);
    expect(() => b.shmOpen(uniqueName(), 'yes')).toThrow(TypeError);
    expect(() => b.fdSize(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => b.fdSize(99999)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'fstat' }));
    expect(() => b.fdClose(99999)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => b.fdClose()).toThrow(TypeError);
  });

  it('exports errno constants and pthreadMutexSize', () => {
    expect(native.errno).toMatchObject({ EOWNERDEAD: 130, ETIMEDOUT: 110, EAGAIN: 11, EBUSY: 16, EPERM: 1, ENOTRECOVERABLE: 131 });
    // sizeof(pthread_mutex_t): 40 on x86_64 glibc, 48 on aarch64 glibc.
    expect(native.pthreadMutexSize).toBe(process.arch === 'arm64' ? 48 : 40);
  });
});
