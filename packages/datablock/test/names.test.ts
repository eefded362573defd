import { describe, expect, it } from 'vitest';
import { maxNameLength, parseShmFileName, shmNameOf, validateName } from '../src/names.js';
import { DataBlockError } from '../src/errors.js';
import { fromSystemError } from '../src/system-errors.js';

function code(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(DataBlockError); return (e as DataBlockError).code; }
  return undefined;
}

describe('names', () => {
  it('maps user names to POSIX names', () => {
    expect(shmNameOf('foo', 'DataBlock')).toBe('/plh.foo');
    expect(shmNameOf('foo', 'DataBlockMutex')).toBe('/plh.mutex.foo');
    expect(parseShmFileName('plh.mutex.x')).toEqual({ kind: 'DataBlockMutex', name: 'x' });
    expect(parseShmFileName('plh.x')).toEqual({ kind: 'DataBlock', name: 'x' });
    expect(parseShmFileName('other')).toBeNull();
  });
  it('rejects bad names with ERR_DATABLOCK_BAD_NAME', () => {
    for (const bad of ['', 'a/b', '/x', 'sp ace', 'é', 'x'.repeat(252), 'mutex.x', 42, undefined]) {
      expect(code(() => validateName(bad, 'DataBlock'))).toBe('ERR_DATABLOCK_BAD_NAME');
    }
    expect(code(() => validateName('x'.repeat(maxNameLength('DataBlockMutex') + 1), 'DataBlockMutex'))).toBe('ERR_DATABLOCK_BAD_NAME');
    expect(code(() => validateName('x'.repeat(maxNameLength('DataBlock')), 'DataBlock'))).toBeUndefined();
    expect(code(() => validateName('a.B-c_9', 'DataBlock'))).toBeUndefined();
  });
});

describe('system errors', () => {
  it('map errno names to stable codes', () => {
    const ctx = { kind: 'DataBlock' as const, name: 'x', op: 'create' as const };
    const map = (code: string) => fromSystemError(Object.assign(new Error(code), { code }), ctx).code;
    expect(map('ENOENT')).toBe('ERR_DATABLOCK_NOT_FOUND');
    expect(map('EEXIST')).toBe('ERR_DATABLOCK_EXISTS');
    expect(map('ENOSPC')).toBe('ERR_DATABLOCK_NO_SPACE');
    expect(map('EACCES')).toBe('ERR_DATABLOCK_PERMISSION_DENIED');
    expect(map('ENAMETOOLONG')).toBe('ERR_DATABLOCK_BAD_NAME');
    expect(map('EMFILE')).toBe('ERR_DATABLOCK_SYSTEM');
    expect(fromSystemError(Object.assign(new Error('x'), { code: 'ENOSPC' }), ctx).message).toContain('/dev/shm');
  });
});
