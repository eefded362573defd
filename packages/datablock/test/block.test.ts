import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock, DataBlockError, DataBlockMutex } from '../src/index.js';
import { getInternals } from '../src/internal.js';
import { expectCode, namer } from './helpers.js';

const names = namer('block');
afterEach(() => names.cleanup());
afterAll(() => expect(names.leftovers()).toEqual([]));

const opts = { slotCount: 4, slotSize: 100, flexZoneSize: 64 };

/** Writes a u32/u64 field straight into /dev/shm/plh.<name> (as a corrupt or hostile writer would). */
function poke(name: string, offset: number, bytes: Buffer): void {
  const fd = openSync(`/dev/shm/plh.${name}`, 'r+');
  try { writeSync(fd, bytes, 0, bytes.length, offset); } finally { closeSync(fd); }
}
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; };

describe('DataBlock create/attach', () => {
  it('creates with mode 0600, reserves the space and attaches with the same layout', () => {
    const name = names.next();
    const block = DataBlock.create(name, { ...opts, policy: 'latest-only', checksum: 'crc32c' });
    const st = statSync(`/dev/shm/plh.${name}`);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.size).toBe(block.layout.segmentSize);
    expect(st.blocks * 512).toBeGreaterThanOrEqual(block.layout.segmentSize);
    expect(block.name).toBe(name);
    expect(Object.isFrozen(block.layout)).toBe(true);
    expect(block.layout).toMatchObject({ slotCount: 4, slotSize: 100, policy: 'latest-only', checksum: 'crc32c', checksumPolicy: 'enforced', flexZoneSize: 64 });
    block.flexZone.set([1, 2, 3]);
    const other = DataBlock.attach(name, { expect: { slotCount: 4, slotSize: 100, policy: 'latest-only' } });
    expect(other.layout).toEqual(block.layout);
    expect([...other.flexZone.subarray(0, 3)]).toEqual([1, 2, 3]);
    expect(other.flexZone).toBe(other.flexZone); // made once
    const roles = block.participants().map((p) => p.role).sort();
    expect(roles).toEqual(['attacher', 'creator']);
    expect(block.participants().every((p) => p.alive && p.pid === process.pid)).toBe(true);
    other.close();
    expect(block.participants().map((p) => p.role)).toEqual(['creator']);
    block.close();
  });

  it('gives the slot protocol zeroed control/state views and per-slot payload views made once', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    const i = getInternals(block);
    expect(i.control.length).toBe(4 * 16);
    expect(i.control.every((w) => w === 0)).toBe(true);
    expect(i.state.length).toBe(64);
    expect(i.slot(3).length).toBe(100);
    expect(i.slot(3)).toBe(i.slot(3));
    i.slot(3).fill(7);
    const other = DataBlock.attach(name);
    expect(getInternals(other).slot(3)[99]).toBe(7);
    expect(() => i.slot(4)).toThrow(DataBlockError);
    other.close();
    block.close();
  });

  it('close detaches every view, then every method throws ERR_DATABLOCK_CLOSED; double close is a no-op', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    const fz = block.flexZone;
    const slot = getInternals(block).slot(0);
    block.close();
    expect(block.closed).toBe(true);
    expect(fz.length).toBe(0);
    expect(slot.length).toBe(0);
    expectCode(() => block.flexZone, 'ERR_DATABLOCK_CLOSED');
    expectCode(() => block.participants(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => block.mutex.lock(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => block.mutex.unlock(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => block.mutex.tryLock(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => getInternals(block), 'ERR_DATABLOCK_CLOSED');
    expect(() => block.close()).not.toThrow();
  });

  it('close releases a mutex held by this handle', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    const other = DataBlock.attach(name);
    block.mutex.lock();
    block.close();
    expect(other.mutex.tryLock()).toEqual({ recovered: false });
    other.mutex.unlock();
    other.close();
  });
});

describe('DataBlock bad input (typed errors, never a crash or hang)', () => {
  it('bad names', () => {
    expectCode(() => DataBlock.create('', opts), 'ERR_DATABLOCK_BAD_NAME');
    expectCode(() => DataBlock.create('a/b', opts), 'ERR_DATABLOCK_BAD_NAME');
    expectCode(() => DataBlock.create('x'.repeat(300), opts), 'ERR_DATABLOCK_BAD_NAME');
    expectCode(() => DataBlock.attach(''), 'ERR_DATABLOCK_BAD_NAME');
    expectCode(() => DataBlock.attach('a/b'), 'ERR_DATABLOCK_BAD_NAME');
    expectCode(() => DataBlock.unlink('x'.repeat(300)), 'ERR_DATABLOCK_BAD_NAME');
    expectCode(() => DataBlockMutex.create('a/b'), 'ERR_DATABLOCK_BAD_NAME');
  });

  it('create when it exists, attach when missing, unlink when missing', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    expectCode(() => DataBlock.create(name, opts), 'ERR_DATABLOCK_EXISTS');
    block.close();
    const missing = names.next();
    expectCode(() => DataBlock.attach(missing), 'ERR_DATABLOCK_NOT_FOUND');
    expectCode(() => DataBlock.unlink(missing), 'ERR_DATABLOCK_NOT_FOUND');
    try {
      DataBlock.attach(missing);
    } catch (e) {
      expect((e as Error).message).toContain(`DataBlock.create('${missing}'`);
    }
  });

  it('slotCount / slotSize 0, negative, fractional, NaN; bad options', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '4']) {
      expectCode(() => DataBlock.create(names.next(), { ...opts, slotCount: bad as number }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      expectCode(() => DataBlock.create(names.next(), { ...opts, slotSize: bad as number }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    }
    expectCode(() => DataBlock.create(names.next(), undefined as never), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => DataBlock.create(names.next(), { ...opts, policy: 'bogus' as never }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => DataBlock.create(names.next(), { ...opts, checksumPolicy: 'enforced' }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => DataBlock.create(names.next(), { ...opts, flexZoneSize: -1 }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => DataBlock.create(names.next(), { ...opts, mode: 0o7777 }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => DataBlock.create(names.next(), { slotCount: 2 ** 32 - 1, slotSize: 2 ** 31 }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => DataBlock.attach(names.next(), { timeoutMs: -1 }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expect(names.leftovers()).toEqual([]);
  });

  it('a segment of random bytes is ERR_DATABLOCK_BAD_MAGIC', () => {
    const name = names.next();
    const bytes = randomBytes(8192);
    bytes[0] = 0xab;
    writeFileSync(`/dev/shm/plh.${name}`, bytes, { mode: 0o600, flag: 'wx' });
    expectCode(() => DataBlock.attach(name, { timeoutMs: 100 }), 'ERR_DATABLOCK_BAD_MAGIC');
  });

  it('a header whose magic never appears times out (bounded), also at size 0', () => {
    const name = names.next();
    writeFileSync(`/dev/shm/plh.${name}`, Buffer.alloc(8192), { mode: 0o600, flag: 'wx' });
    const t0 = performance.now();
    expectCode(() => DataBlock.attach(name, { timeoutMs: 60 }), 'ERR_DATABLOCK_TIMEOUT');
    expect(performance.now() - t0).toBeLessThan(2000);
    const empty = names.next();
    writeFileSync(`/dev/shm/plh.${empty}`, Buffer.alloc(0), { mode: 0o600, flag: 'wx' });
    expectCode(() => DataBlock.attach(empty, { timeoutMs: 30 }), 'ERR_DATABLOCK_TIMEOUT');
    expectCode(() => DataBlock.attach(empty, { timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
  });

  it('another version is ERR_DATABLOCK_VERSION_MISMATCH', () => {
    const name = names.next();
    DataBlock.create(name, opts).close();
    poke(name, 4, u32(99));
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_VERSION_MISMATCH');
  });

  it('truncated below what the header claims is ERR_DATABLOCK_TOO_SMALL', () => {
    const name = names.next();
    const block = DataBlock.create(name, { slotCount: 16, slotSize: 1024 });
    const size = block.layout.segmentSize;
    block.close();
    truncateSync(`/dev/shm/plh.${name}`, size - 4096);
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_TOO_SMALL');
    truncateSync(`/dev/shm/plh.${name}`, 100);
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_TOO_SMALL');
  });

  it('counts that overflow the mapping or 2^53 are ERR_DATABLOCK_LAYOUT_INVALID', () => {
    const name = names.next();
    DataBlock.create(name, opts).close();
    poke(name, 48, u64(1n << 60n)); // slotCount beyond 2^53
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_LAYOUT_INVALID');
    poke(name, 48, u64(1n << 31n)); // slotCount x slotStride far beyond the mapping
    poke(name, 168, u64((1n << 31n) * 128n));
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_LAYOUT_INVALID');
    poke(name, 48, u64(4n));
    poke(name, 168, u64(4n * 128n));
    poke(name, 56, u64(1n << 52n)); // slotSize: product above 2^53
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_LAYOUT_INVALID');
  });

  it('a corrupt mutex record is ERR_DATABLOCK_LAYOUT_INVALID at attach, never an untyped EINVAL (fuzz case 164)', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    const mutexOffset = block.layout.mutexOffset;
    block.close();
    poke(name, mutexOffset, Buffer.alloc(40, 0x7f)); // the whole pthread_mutex_t
    expectCode(() => DataBlock.attach(name), 'ERR_DATABLOCK_LAYOUT_INVALID');
    const m = names.next();
    DataBlockMutex.create(m).close();
    const file = `/dev/shm/plh.mutex.${m}`;
    const bytes = readFileSync(file);
    bytes.fill(0x7f, 256, 256 + 40);
    writeFileSync(file, bytes);
    expectCode(() => DataBlockMutex.attach(m), 'ERR_DATABLOCK_LAYOUT_INVALID');
  });

  // Needs root to run a child as another user (nobody, 65534); skipped otherwise.
  it.skipIf(process.getuid?.() !== 0)('another user cannot attach a 0600 segment (typed error); mode 0o666 lets them', () => {
    // A Node binary that nobody can run: one under a private directory (CI's Node 22/24 from npm,
    // inside a clone in a 0700 temporary directory) cannot be executed by nobody; the system's can.
    const runsAsNobody = (bin: string) => spawnSync(bin, ['-e', ''], { uid: 65534, gid: 65534, cwd: '/' }).status === 0;
    const node = [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find(runsAsNobody);
    if (node === undefined) throw new Error(`user nobody (65534) can run no Node binary (tried ${process.execPath}, /usr/bin/node, /usr/local/bin/node)`);
    const asNobody = (code: string): { status: number | null; out: string } => {
      const r = spawnSync(node, ['-e', code], { uid: 65534, gid: 65534, cwd: '/', encoding: 'utf8' });
      if (r.error) throw r.error;
      return { status: r.status, out: r.stdout.trim() };
    };
    const closed = names.next();
    DataBlock.create(closed, opts).close();
    expect(statSync(`/dev/shm/plh.${closed}`).mode & 0o777).toBe(0o600);
    const shared = names.next();
    DataBlock.create(shared, { ...opts, mode: 0o666 }).close();
    // The kernel's view, needing nothing of this checkout: nobody cannot open the 0600 segment.
    const openAs = (name: string) =>
      asNobody(`try { require('fs').openSync('/dev/shm/plh.${name}', 'r+'); console.log('opened'); } catch (e) { console.log(e.code); }`).out;
    expect(openAs(closed)).toBe('EACCES');
    expect(openAs(shared)).toBe('opened');
    // End to end through @plh/datablock, when nobody can read this checkout (a clone under a
    // private temporary directory, as CI makes, cannot be read by nobody).
    const dist = new URL('../dist/index.cjs', import.meta.url).pathname;
    if (asNobody(`require(${JSON.stringify(dist)})`).status !== 0) return;
    const attachAs = (name: string) =>
      asNobody(`const { DataBlock } = require(${JSON.stringify(dist)});
        try { DataBlock.attach(${JSON.stringify(name)}, { timeoutMs: 1000 }).close(); console.log('attached'); }
        catch (e) { console.log(e.code); }`).out;
    expect(attachAs(closed)).toBe('ERR_DATABLOCK_PERMISSION_DENIED');
    expect(attachAs(shared)).toBe('attached');
  });

  it('expect mismatch is ERR_DATABLOCK_LAYOUT_MISMATCH', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    expectCode(() => DataBlock.attach(name, { expect: { slotSize: 4096 } }), 'ERR_DATABLOCK_LAYOUT_MISMATCH');
    expectCode(() => DataBlock.attach(name, { expect: { policy: 'latest-only' } }), 'ERR_DATABLOCK_LAYOUT_MISMATCH');
    block.close();
  });

  it('attaching the wrong kind is ERR_DATABLOCK_WRONG_KIND', () => {
    const name = names.next();
    const block = DataBlock.create(name, opts);
    expectCode(() => DataBlockMutex.attach(name), 'ERR_DATABLOCK_WRONG_KIND');
    block.close();
    const m = names.next();
    const mutex = DataBlockMutex.create(m);
    expectCode(() => DataBlock.attach(m), 'ERR_DATABLOCK_WRONG_KIND');
    mutex.close();
  });
});
