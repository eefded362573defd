import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock, crc32, crc32c, inspectSegment, type Consumer, type Producer } from '../src/index.js';
import { getInternals } from '../src/internal.js';
import { crc32cPortable } from '../src/slots/checksum.js';
import { expectCode, namer } from './helpers.js';

const names = namer('slots');
const open: DataBlock[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  names.cleanup();
});
afterAll(() => expect(names.leftovers()).toEqual([]));

function make(options: Parameters<typeof DataBlock.create>[1]): DataBlock {
  const b = DataBlock.create(names.next(), options);
  open.push(b);
  return b;
}
function attach(b: DataBlock): DataBlock {
  const a = DataBlock.attach(b.name);
  open.push(a);
  return a;
}
function write(p: Producer, byte: number, length = 8): number {
  const s = p.acquireWriteSlot({ timeoutMs: 1000 });
  s.data.fill(byte, 0, length);
  s.commit(length);
  return s.slotId;
}
function read(c: Consumer): { id: number; byte: number; length: number } {
  const s = c.acquireConsumeSlot({ timeoutMs: 1000 });
  const out = { id: s.slotId, byte: s.data[0]!, length: s.length };
  s.release();
  return out;
}

describe('checksums', () => {
  it('match the standard check values', () => {
    const data = new TextEncoder().encode('123456789');
    expect(crc32(data)).toBe(0xcbf43926);
    expect(crc32c(data)).toBe(0xe3069283);
    const big = new Uint8Array(4099).map((_, i) => (i * 7) & 0xff);
    // the aligned 32-bit path, the byte path and a plain bitwise CRC agree
    const bitwise = (d: Uint8Array, poly: number): number => {
      let c = -1;
      for (const x of d) { c ^= x; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1; }
      return ~c >>> 0;
    };
    const unaligned = big.subarray(1);
    expect(crc32c(unaligned)).toBe(bitwise(unaligned, 0x82f63b78));
    expect(crc32c(new Uint8Array(unaligned))).toBe(bitwise(unaligned, 0x82f63b78));
    expect(crc32(big)).toBe(bitwise(big, 0xedb88320));
  });

  it('native (SSE4.2) CRC-32C agrees with the TypeScript one at every length and alignment', () => {
    const bytes = new Uint8Array(1200).map((_, i) => (i * 131 + 17) & 0xff);
    for (let offset = 0; offset < 9; offset++) {
      for (let length = 0; length <= 1100; length += length < 80 ? 1 : 37) {
        const view = bytes.subarray(offset, offset + length);
        expect(crc32c(view)).toBe(crc32cPortable(view));
      }
    }
  });
});

describe('sequential', () => {
  it('round-trips every slot in order with zero-copy views', () => {
    const b = make({ slotCount: 4, slotSize: 64 });
    const p = b.producer();
    const c = b.consumer();
    for (let i = 0; i < 10; i++) {
      expect(write(p, i, i + 1)).toBe(i);
      expect(read(c)).toEqual({ id: i, byte: i, length: i + 1 });
    }
    expect(c.lastConsumedSlotId).toBe(9);
    expect(b.diagnose().nextSlotId).toBe(10);
  });

  it('applies backpressure: tryAcquire returns null when the ring is full, succeeds after a release', () => {
    const b = make({ slotCount: 3, slotSize: 16 });
    const p = b.producer();
    for (let i = 0; i < 3; i++) write(p, i);
    expect(p.tryAcquireWriteSlot()).toBeNull();
    expectCode(() => p.acquireWriteSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
    const t0 = performance.now();
    expectCode(() => p.acquireWriteSlot({ timeoutMs: 30 }), 'ERR_DATABLOCK_TIMEOUT');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
    const c = attach(b).consumer();
    const s = c.acquireConsumeSlot({ timeoutMs: 0 });
    expect(s.slotId).toBe(0);
    expect(p.tryAcquireWriteSlot()).toBeNull(); // held, still pending
    s.release();
    const w = p.tryAcquireWriteSlot();
    expect(w?.slotId).toBe(3);
    w!.commit(1);
    expect([read(c).id, read(c).id, read(c).id]).toEqual([1, 2, 3]);
  });

  it('a second consumer is refused; a replacement continues at the oldest unconsumed slot', () => {
    const b = make({ slotCount: 4, slotSize: 16 });
    const p = b.producer();
    for (let i = 0; i < 3; i++) write(p, i);
    const c1 = b.consumer();
    expect(read(c1).id).toBe(0);
    expectCode(() => attach(b).consumer(), 'ERR_DATABLOCK_POLICY');
    c1.close();
    const c2 = attach(b).consumer();
    expect(read(c2).id).toBe(1);
  });

  it('a consumer times out on an empty block; try returns null', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const c = b.consumer();
    expect(c.tryAcquireConsumeSlot()).toBeNull();
    expectCode(() => c.acquireConsumeSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
    expectCode(() => c.acquireConsumeSlot({ timeoutMs: 20 }), 'ERR_DATABLOCK_TIMEOUT');
  });

  it('async acquire waits without blocking the event loop and wakes on commit', async () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    const pending = c.acquireConsumeSlotAsync({ timeoutMs: 5000 });
    await new Promise((r) => setImmediate(r));
    expectCode(() => c.tryAcquireConsumeSlot(), 'ERR_DATABLOCK_CONCURRENT_USE');
    write(p, 7);
    const s = await pending;
    expect(s.data[0]).toBe(7);
    s.release();
    const ac = new AbortController();
    const aborted = c.acquireConsumeSlotAsync({ signal: ac.signal });
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'ERR_DATABLOCK_ABORTED' });
  });

  it('the async iterator yields each slot and ends at end of stream', async () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const p = b.producer();
    const c = attach(b).consumer();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const s of c) seen.push(s.data[0]!);
    })();
    for (let i = 0; i < 5; i++) (await p.acquireWriteSlotAsync({ timeoutMs: 5000 })).commit(1);
    p.end();
    await loop;
    expect(seen.length).toBe(5);
    expect(c.ended).toBe(true);
    expectCode(() => c.acquireConsumeSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_END_OF_STREAM');
  });
});

describe('closing', () => {
  it('closing a consumer ends its async iterator; closing the block rejects a pending async acquire', async () => {
    const b = make({ slotCount: 2, slotSize: 16, policy: 'latest-only' });
    const c = b.consumer();
    const loop = (async () => {
      for await (const _ of c) { /* nothing comes */ }
      return 'ended';
    })();
    await new Promise((r) => setImmediate(r));
    c.close();
    expect(await loop).toBe('ended');
    const other = attach(b);
    const pending = other.consumer().acquireConsumeSlotAsync({ timeoutMs: 5000 });
    await new Promise((r) => setImmediate(r));
    other.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_DATABLOCK_CLOSED' });
    expect(b.diagnose().consumers).toEqual([]);
  });
});

describe('latest-only', () => {
  it('each consumer gets the newest commit it has not seen, skipping older ones', () => {
    const b = make({ slotCount: 4, slotSize: 16, policy: 'latest-only' });
    const p = b.producer();
    const c1 = b.consumer();
    const c2 = attach(b).consumer();
    for (let i = 0; i < 6; i++) write(p, i); // the producer never waits for readers
    expect(read(c1).id).toBe(5);
    expect(read(c2).id).toBe(5);
    expect(c1.tryAcquireConsumeSlot()).toBeNull();
    write(p, 6);
    expect(read(c1)).toMatchObject({ id: 6, byte: 6 });
  });

  it('draining: wrapping onto a held slot marks it DRAINING, refuses new readers, resolves on release; a timeout restores COMMITTED', async () => {
    const b = make({ slotCount: 1, slotSize: 16, policy: 'latest-only' });
    const p = b.producer();
    const a = b.consumer();
    const late = attach(b).consumer();
    write(p, 1);
    const held = a.acquireConsumeSlot({ timeoutMs: 0 });
    const pending = p.acquireWriteSlotAsync({ timeoutMs: 5000 });
    expect(b.diagnose().slots[0]!.state).toBe('DRAINING');
    expect(late.tryAcquireConsumeSlot()).toBeNull();
    held.release();
    const w = await pending;
    expect(b.diagnose().slots[0]!.state).toBe('WRITING');
    w.data[0] = 2;
    w.commit(1);
    const again = a.acquireConsumeSlot({ timeoutMs: 0 });
    expect(again.slotId).toBe(1);
    expectCode(() => p.acquireWriteSlot({ timeoutMs: 30 }), 'ERR_DATABLOCK_TIMEOUT');
    expect(b.diagnose().slots[0]).toMatchObject({ state: 'COMMITTED', slotId: 1 });
    expect(read(late)).toMatchObject({ id: 1, byte: 2 });
    again.release();
  });
});

describe('sequential-sync', () => {
  it('8 readers each get every slot in order; the producer waits for the slowest', () => {
    const b = make({ slotCount: 4, slotSize: 16, policy: 'sequential-sync' });
    const p = b.producer();
    const readers = Array.from({ length: 8 }, () => attach(b).consumer());
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) write(p, round * 4 + i);
      expect(p.tryAcquireWriteSlot()).toBeNull();
      for (const r of readers.slice(0, 7)) for (let i = 0; i < 4; i++) expect(read(r).id).toBe(round * 4 + i);
      expect(p.tryAcquireWriteSlot()).toBeNull(); // the 8th has not read yet
      for (let i = 0; i < 4; i++) expect(read(readers[7]!).id).toBe(round * 4 + i);
    }
    const d = b.diagnose();
    expect(d.consumers.filter((c) => c.syncActive).length).toBe(8);
    expect(d.consumers.every((c) => c.position === 12)).toBe(true);
  });

  it('a closed reader no longer holds the producer back; the limit is 32 readers', () => {
    const b = make({ slotCount: 2, slotSize: 16, policy: 'sequential-sync' });
    const p = b.producer();
    const slow = b.consumer();
    write(p, 0);
    write(p, 1);
    expect(p.tryAcquireWriteSlot()).toBeNull();
    slow.close();
    write(p, 2);
    const many: Consumer[] = [];
    for (let i = 0; i < 32; i++) many.push(b.consumer());
    expectCode(() => b.consumer(), 'ERR_DATABLOCK_POLICY');
    for (const c of many) c.close();
  });
});

describe('bad input', () => {
  it('commit lengths, double commit/release, use after release, held slots', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    const w = p.acquireWriteSlot();
    for (const bad of [17, -1, 1.5, Number.NaN, '3' as unknown as number]) expectCode(() => w.commit(bad), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => p.acquireWriteSlot(), 'ERR_DATABLOCK_SLOT_HELD');
    w.commit(16);
    expectCode(() => w.commit(1), 'ERR_DATABLOCK_SLOT_RELEASED');
    expectCode(() => w.abort(), 'ERR_DATABLOCK_SLOT_RELEASED');
    expectCode(() => w.data, 'ERR_DATABLOCK_SLOT_RELEASED');
    const r = c.acquireConsumeSlot();
    expectCode(() => c.acquireConsumeSlot(), 'ERR_DATABLOCK_SLOT_HELD');
    r.release();
    expectCode(() => r.release(), 'ERR_DATABLOCK_SLOT_RELEASED');
    expectCode(() => r.data, 'ERR_DATABLOCK_SLOT_RELEASED');
    expectCode(() => c.acquireConsumeSlot({ timeoutMs: -1 }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    const a = p.acquireWriteSlot();
    a.abort();
    expect(p.acquireWriteSlot().slotId).toBe(1); // an aborted slotId is reused
  });

  it('a producer with a pending async acquire refuses other acquisitions', async () => {
    const b = make({ slotCount: 1, slotSize: 16 });
    const p = b.producer();
    write(p, 1);
    const pending = p.acquireWriteSlotAsync({ timeoutMs: 5000 });
    expectCode(() => p.tryAcquireWriteSlot(), 'ERR_DATABLOCK_CONCURRENT_USE');
    expect(read(b.consumer()).id).toBe(0);
    (await pending).commit(1);
  });

  it('a second live producer is refused', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const p = b.producer();
    expectCode(() => attach(b).producer(), 'ERR_DATABLOCK_PRODUCER_EXISTS');
    p.close();
    attach(b).producer().close();
  });

  it('debugViews: a view kept after release or commit is detached (length 0)', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const p = b.producer({ debugViews: true });
    const c = b.consumer({ debugViews: true });
    const w = p.acquireWriteSlot();
    const wview = w.data;
    wview[0] = 9;
    w.commit(4);
    expect(wview.length).toBe(0);
    const r = c.acquireConsumeSlot();
    const view = r.data;
    expect(view.length).toBe(4);
    expect(view[0]).toBe(9);
    r.release();
    expect(view.length).toBe(0);
    expect(view[0]).toBeUndefined();
  });

  it('acquire on a closed consumer, producer or block throws ERR_DATABLOCK_CLOSED', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const other = attach(b);
    const c = other.consumer();
    const p = other.producer();
    c.close();
    expectCode(() => c.acquireConsumeSlot(), 'ERR_DATABLOCK_CLOSED');
    const c2 = other.consumer();
    other.close(); // closes its producer and consumers
    expect(c2.closed && p.closed).toBe(true);
    expectCode(() => c2.tryAcquireConsumeSlot(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => p.acquireWriteSlot(), 'ERR_DATABLOCK_CLOSED');
    expectCode(() => other.consumer(), 'ERR_DATABLOCK_CLOSED');
    expect(b.diagnose().consumers).toEqual([]);
    expect(b.diagnose().producer).toBeNull();
  });

  it('attach with a different slot layout expectation is refused', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    expectCode(() => DataBlock.attach(b.name, { expect: { slotSize: 32 } }), 'ERR_DATABLOCK_LAYOUT_MISMATCH');
    expectCode(() => DataBlock.attach(b.name, { expect: { slotCount: 3 } }), 'ERR_DATABLOCK_LAYOUT_MISMATCH');
  });
});

describe('checksum policies', () => {
  it('enforced: a payload corrupted through a second mapping is rejected, the next slot is fine', () => {
    const b = make({ slotCount: 4, slotSize: 64, checksum: 'crc32c' });
    const p = b.producer();
    write(p, 1, 64);
    write(p, 2, 64);
    // Corrupt slot 0's committed payload through another mapping of the segment.
    const raw = payloadView(attach(b), 0);
    raw[10] = raw[10]! ^ 0xff;
    const c = b.consumer();
    expectCode(() => c.acquireConsumeSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_CHECKSUM_MISMATCH');
    expect(read(c)).toMatchObject({ id: 1, byte: 2 });
  });

  it('manual: checksumOk reports the mismatch and the slot is delivered', () => {
    const b = make({ slotCount: 2, slotSize: 32, checksum: 'crc32', checksumPolicy: 'manual' });
    const p = b.producer();
    write(p, 5, 32);
    write(p, 6, 32);
    { const v = payloadView(attach(b), 1); v[3] = v[3]! ^ 1; }
    const c = b.consumer();
    const s0 = c.acquireConsumeSlot();
    expect(s0.checksumOk).toBe(true);
    s0.release();
    const s1 = c.acquireConsumeSlot();
    expect(s1.checksumOk).toBe(false);
    s1.release();
  });
});

describe('inspect', () => {
  it('reports slot states, writer, readers and consumer positions read-only', () => {
    const b = make({ slotCount: 3, slotSize: 64, policy: 'latest-only' });
    const p = b.producer();
    write(p, 1);
    const c = b.consumer();
    const r = c.acquireConsumeSlot();
    const w = p.acquireWriteSlot();
    const report = inspectSegment(b.name);
    expect(report.slots?.producer).toMatchObject({ participant: p.participantIndex, pid: process.pid, alive: true });
    expect(report.slots?.slots.map((s) => s.state)).toEqual(['COMMITTED', 'WRITING', 'FREE']);
    expect(report.slots?.slots[0]?.readers).toMatchObject([{ participant: c.participantIndex }]);
    expect(report.slots?.consumers).toMatchObject([{ participant: c.participantIndex, heldSlot: 0 }]);
    r.release();
    w.abort();
  });
});

describe('consumer timeouts', () => {
  it('say whether a producer is attached (and alive)', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const c = b.consumer();
    expect(expectCode(() => c.acquireConsumeSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT').message).toMatch(/no producer is attached/);
    const p = b.producer();
    expect(expectCode(() => c.acquireConsumeSlot({ timeoutMs: 5 }), 'ERR_DATABLOCK_TIMEOUT').message)
      .toMatch(new RegExp(`the producer \\(pid ${process.pid}\\) is alive`));
    p.close();
    expect(expectCode(() => c.acquireConsumeSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT').message).toMatch(/no producer is attached/);
  });
});

describe('recovery in one process', () => {
  it('forceReclaimSlot refuses while the writer is alive, unless forced', () => {
    const b = make({ slotCount: 2, slotSize: 16 });
    const p = b.producer();
    const w = p.acquireWriteSlot();
    expectCode(() => b.forceReclaimSlot(w.index), 'ERR_DATABLOCK_OWNER_ALIVE');
    expect(b.forceReclaimSlot(1)).toMatchObject({ action: 'none', previousState: 'FREE' });
    expect(b.forceReclaimSlot(w.index, { force: true })).toMatchObject({ action: 'freed', previousState: 'WRITING' });
    expectCode(() => b.forceReclaimSlot(2), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expect(b.releaseZombieReaders()).toEqual({ released: [] });
    expect(b.cleanupDeadConsumers()).toEqual({ removed: [] });
    const c = b.consumer();
    expectCode(() => b.cleanupDeadConsumers({ participants: [c.participantIndex] }), 'ERR_DATABLOCK_OWNER_ALIVE');
  });
});

/** The payload view of slot `index` through `block`'s own mapping (a second mapping of the segment). */
function payloadView(block: DataBlock, index: number): Uint8Array {
  return getInternals(block).slot(index);
}
