import { describe, expect, it } from 'vitest';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMapped, native, runChild, track, uniqueName } from './helpers';

const CLOSED = expect.objectContaining({ code: 'ERR_MAPPING_CLOSED' });
const RANGE = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });

describe('Mapping', () => {
  it('buffers are zero-copy views of the segment; two mappings see each other', () => {
    const { name, map: a } = createMapped(4096);
    const fd = native.shmOpen(name, true);
    const b = track(new native.Mapping(fd, 4096, true));
    native.fdClose(fd);
    expect(a.size).toBe(4096);
    expect(a.closed).toBe(false);
    const va = new Uint8Array(a.buffer(0, 4096));
    const vb = new Uint8Array(b.buffer(100, 16));
    va[100] = 0xab;
    expect(vb[0]).toBe(0xab);
    vb[15] = 7;
    expect(va[115]).toBe(7);
  });

  it('Atomics on an Int32Array over a buffer', () => {
    const { map } = createMapped(4096);
    const i32 = new Int32Array(map.buffer(64, 64));
    expect(Atomics.add(i32, 0, 5)).toBe(0);
    expect(Atomics.compareExchange(i32, 0, 5, 9)).toBe(5);
    const other = new Int32Array(map.buffer(0, 128));
    expect(Atomics.load(other, 16)).toBe(9);
  });

  it('range-checks buffer offsets and lengths', () => {
    const { map } = createMapped(4096);
    expect(map.buffer(4096, 0).byteLength).toBe(0);
    expect(map.buffer(0, 0).byteLength).toBe(0);
    expect(map.buffer(4095, 1).byteLength).toBe(1);
    expect(() => map.buffer(4096, 1)).toThrow(RANGE);
    expect(() => map.buffer(0, 4097)).toThrow(RANGE);
    expect(() => map.buffer(4097, 0)).toThrow(RANGE);
    expect(() => map.buffer(-1, 1)).toThrow(RANGE);
    expect(() => map.buffer(1.5, 1)).toThrow(RANGE);
    expect(() => map.buffer(2 ** 53, 1)).toThrow(RANGE);
    expect(() => map.buffer(Number.NaN, 1)).toThrow(RANGE);
    expect(() => (map as any).buffer('0', 1)).toThrow(TypeError);
  });

  it('refuses a size larger than the fd', () => {
    const name = uniqueName();
    const fd = native.shmCreate(name, 4096, 0o600);
    try {
      expect(() => new native.Mapping(fd, 8192, true)).toThrow(RANGE);
      expect(() => new native.Mapping(fd, 0, true)).toThrow(RANGE);
      expect(() => new native.Mapping(99999, 1, true)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    } finally {
      native.fdClose(fd);
    }
  });

  it('writable mapping of a read-only fd is EACCES from mmap', () => {
    const { name } = createMapped(4096);
    const fd = native.shmOpen(name, false);
    try {
      expect(() => new native.Mapping(fd, 4096, true)).toThrow(expect.objectContaining({ code: 'EACCES', syscall: 'mmap' }));
      const ro = track(new native.Mapping(fd, 4096, false));
      expect(new Uint8Array(ro.buffer(0, 8))[0]).toBe(0);
      expect(() => ro.mutexInit(0)).toThrow(expect.objectContaining({ code: 'ERR_MAPPING_READ_ONLY' }));
    } finally {
      native.fdClose(fd);
    }
  });

  it('close() detaches every view; every method then throws ERR_MAPPING_CLOSED; double close is fine', () => {
    const { map } = createMapped(4096);
    const u8 = new Uint8Array(map.buffer(0, 4096));
    const i32 = new Int32Array(map.buffer(0, 64));
    u8[0] = 1;
    map.close();
    expect(map.closed).toBe(true);
    expect(u8.byteLength).toBe(0);
    expect(i32.length).toBe(0);
    expect(u8[0]).toBeUndefined();
    u8[0] = 5; // ignored
    expect(() => Atomics.load(i32, 0)).toThrow(TypeError);
    expect(() => u8.fill(1)).toThrow(TypeError);
    map.close();
    expect(() => map.buffer(0, 1)).toThrow(CLOSED);
    expect(() => map.detach(new ArrayBuffer(1))).toThrow(CLOSED);
    expect(() => map.mutexInit(0)).toThrow(CLOSED);
    expect(() => map.mutexLock(0, 0)).toThrow(CLOSED);
    expect(() => map.mutexTryLock(0)).toThrow(CLOSED);
    expect(() => map.mutexUnlock(0)).toThrow(CLOSED);
    expect(() => map.mutexConsistent(0)).toThrow(CLOSED);
    expect(() => map.futexWait(0, 0, 0)).toThrow(CLOSED);
    expect(() => map.futexWaitAsync(0, 0, 0)).toThrow(CLOSED);
    expect(() => map.futexWake(0, 1)).toThrow(CLOSED);
  });

  it('stale use after close does not crash the process (in a child)', async () => {
    const child = runChild(
      `const fd = native.shmCreate(argv[0], 65536, 0o600);
       const m = new native.Mapping(fd, 65536, true);
       native.fdClose(fd); native.shmUnlink(argv[0]);
       const views = [new Uint8Array(m.buffer(0, 65536)), new Float64Array(m.buffer(8, 800)), new DataView(m.buffer(0, 16))];
       const i32 = new Int32Array(m.buffer(0, 4096));
       views[0].fill(7);
       m.close(); m.close();
       let sum = 0;
       for (let i = 0; i < 65536; i++) { views[0][i] = i; sum += views[0][i] ?? 0; }
       for (const f of [() => Atomics.store(i32, 0, 1), () => views[2].getUint8(0), () => views[0].set([1, 2]), () => views[1].fill(1)]) {
         try { f(); } catch (e) { if (!(e instanceof TypeError) && !(e instanceof RangeError)) throw e; }
       }
       say('ok ' + sum + ' ' + views[0].byteLength);`,
      [uniqueName()],
    );
    expect(await child.nextLine()).toBe('ok 0 0');
    const { code, signal, stderr } = await child.exited;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: '' });
  });

  it('detach(buffer) detaches one view only and refuses foreign buffers', () => {
    const { map } = createMapped(4096);
    const ab1 = map.buffer(0, 16);
    const ab2 = map.buffer(0, 16);
    map.detach(ab1);
    expect(ab1.byteLength).toBe(0);
    expect(ab2.byteLength).toBe(16);
    expect(() => map.detach(ab1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => map.detach(new ArrayBuffer(8))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => (map as any).detach({})).toThrow(TypeError);
  });

  it('many short-lived buffers are fine (weak references are swept)', () => {
    const { map } = createMapped(4096);
    for (let i = 0; i < 5000; i++) new Uint8Array(map.buffer(i % 4096, 1))[0] = 1;
    const keep = map.buffer(0, 8);
    map.close();
    expect(keep.byteLength).toBe(0);
  });

  // Node 20's V8 refuses external buffers over 4 GiB; Node 22 and 24 accept them.
  it('a buffer over 4 GiB is a clean error on Node 20 and works on 22+, never an abort (in a child)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plh-native-'));
    const file = join(dir, 'sparse');
    const fd = openSync(file, 'w+');
    try {
      const size = 5 * 2 ** 30;
      ftruncateSync(fd, size);
      closeSync(fd);
      const child = runChild(
        `const fd = require('node:fs').openSync(argv[0], 'r+');
         const m = new native.Mapping(fd, ${size}, true);
         native.fdClose(fd);
         let code = 'none';
         try { code = 'length ' + m.buffer(0, ${size}).byteLength; } catch (e) { code = e.code; }
         const small = new Uint8Array(m.buffer(${size} - 8, 8)); small[0] = 1;
         m.close();
         say(code);`,
        [file],
      );
      const line = await child.nextLine();
      if (Number(process.versions.node.split('.')[0]) >= 22) expect(line).toBe(`length ${size}`);
      else expect(line).toBe('ERR_BUFFER_TOO_LARGE');
      expect((await child.exited).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
