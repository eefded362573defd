import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('..', import.meta.url));
const keys = 'Mapping,NotifySocket,abiVersion,crc32c,crc32cHardware,errno,exit,fdClose,fdOwner,fdSize,pthreadMutexSize,shmCreate,shmOpen,shmUnlink';

describe('loading', () => {
  it('works with require (CJS)', () => {
    const out = execFileSync(process.execPath, ['-e', "console.log(Object.keys(require('./index.cjs')).sort().join())"], { cwd: dir, encoding: 'utf8' });
    expect(out.trim()).toBe(keys);
  });

  it('works with import (ESM): named and default exports', () => {
    const code = "import b, { Mapping, shmCreate } from './index.mjs'; console.log(Object.keys(b).sort().join(), typeof Mapping, shmCreate === b.shmCreate)";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, encoding: 'utf8' });
    expect(out.trim()).toBe(`${keys} function true`);
  });

  it('exit(code) ends the process at once', () => {
    let status = -1;
    try {
      execFileSync(process.execPath, ['-e', "process.on('exit', () => console.log('handler')); require('./index.cjs').exit(7)"], { cwd: dir, encoding: 'utf8' });
    } catch (e: any) {
      status = e.status;
      expect(e.stdout).toBe('');
    }
    expect(status).toBe(7);
  });
});

describe('crc32c', () => {
  it('gives the standard check value and rejects non-Uint8Array input', async () => {
    const { createRequire } = await import('node:module');
    const binding = createRequire(import.meta.url)('../index.cjs');
    expect(binding.crc32c(new TextEncoder().encode('123456789')) >>> 0).toBe(0xe3069283);
    expect(binding.crc32c(new Uint8Array(0))).toBe(0);
    expect(() => binding.crc32c('123456789')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(typeof binding.crc32cHardware).toBe('boolean');
  });
});
