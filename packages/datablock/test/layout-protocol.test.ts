// LAYOUT.md "Acting on a block" cannot drift from the code: a reader that knows only what the
// document says (doc-layout.ts parses its tables, doc-reader.ts follows its rules) maps
// /dev/shm/plh.<name> itself and takes part next to the real producer and consumers.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { errno, pthreadMutexSize } from '@plh/datablock-native';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock } from '../src/index.js';
import { doc, layoutFlat, layoutText } from './doc-layout.js';
import { DocSegment, docCrc, maskBit } from './doc-reader.js';
import { expectCode, killChildren, namer, spawnFixture } from './helpers.js';

const names = namer('layoutp');
const blocks: DataBlock[] = [];
const segments: DocSegment[] = [];
afterEach(async () => {
  await killChildren();
  for (const s of segments.splice(0)) s.close();
  for (const b of blocks.splice(0)) b.close();
  names.cleanup();
});
afterAll(() => expect(names.leftovers()).toEqual([]));

function make(options: Parameters<typeof DataBlock.create>[1]): { b: DataBlock; d: DocSegment } {
  const b = DataBlock.create(names.next(), options);
  blocks.push(b);
  const d = new DocSegment(b.name);
  segments.push(d);
  return { b, d };
}

const pattern = (s: number, length: number): Uint8Array => Uint8Array.from({ length }, (_, j) => (s * 37 + j * 11) & 0xff);

/** Lets the event loop run until `cond` holds (an upper bound turns a hang into a failure). */
async function until(cond: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  const end = performance.now() + boundMs;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`not within ${boundMs} ms: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('LAYOUT.md states the rules doc-reader.ts implements', () => {
  it('in these words', () => {
    for (const rule of [
      '`index = slotId % slotCount`',
      'bit `p` of a 64-bit mask is bit `p` of the lo word for `p < 32`, and bit `p - 32` of the hi word (lo + 1) for `p >= 32`',
      'enter (`i`, `s`)**: `Atomics.or` the reader bit into readers (control word 6 + (p >= 32)), then load the state word (must still equal 2) and the seq (must still be `s`)',
      '1. pending: sequential stores pending lo = 0',
      '2. `Atomics.and(readers lo/hi word of p, ~bit)`. 3. Position, participant words 8, 9 (seq64',
      'when producerWaiters (state word 48) is non-zero, `Atomics.add` 1 to releaseCounter (state word 16) and FUTEX_WAKE it',
      '`seen = load(counter)` (read **before** announcing)',
      'without FUTEX_PRIVATE_FLAG',
      '**A wake releases every sleeper on the word** (count 0x7fffffff, INT_MAX)',
      'zero words 1..5 and 8..15 (not 6, the marks lock, not 7, the generation)',
      'generation = (word 7 + 1) & 0xffff, then **state 2 last**',
      '**A foreign consumer registers an entry with role 4 and an index below 64**',
      'Region ranges are **half-open**, `[offset, offset + size)`',
    ]) expect(layoutFlat).toContain(rule);
  });

  it('the CRC table is self-consistent: reflected polys, check values, CRC-32 is zlib\'s', () => {
    const reverse32 = (x: number): number => {
      let r = 0;
      for (let k = 0; k < 32; k++) r = ((r << 1) | ((x >>> k) & 1)) >>> 0;
      return r;
    };
    expect(Object.keys(doc.crc).sort()).toEqual(['crc32', 'crc32c']);
    for (const [kind, p] of Object.entries(doc.crc)) {
      expect(p.reflected).toBe(true);
      expect(reverse32(p.poly)).toBe(p.reflectedPoly);
      expect(docCrc(kind, new TextEncoder().encode('123456789'))).toBe(p.check);
      expect(doc.checksum[kind]).toBe(p.code);
    }
    expect(doc.crc.crc32c!.check).toBe(0xe3069283);
    expect(doc.crc.crc32!.check).toBe(0xcbf43926);
    const bytes = pattern(5, 1000);
    expect(docCrc('crc32', bytes)).toBe(zlibCrc32(bytes));
  });

  it('mutexSize: the value the table gives for this platform is what the creator wrote', () => {
    const rows = [...layoutText.matchAll(/^\| Linux ([\w-]+)(?: \(\w+\))?, glibc \| (\d+) \|$/gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(rows).toEqual([['x86-64', 40], ['aarch64', 48]]);
    const machine = process.arch === 'x64' ? 'x86-64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
    const documented = rows.find(([m]) => m === machine)?.[1];
    expect(documented).toBe(pthreadMutexSize);
    const { d } = make({ slotCount: 1, slotSize: 8 });
    expect(d.header('mutexSize')).toBe(documented);
  });
});

describe('a reader that knows only LAYOUT.md, next to the real producer and consumers', () => {
  it('finds slotId s in slot s % slotCount and sees the commit and release words change as documented (crc32c stored)', () => {
    const { b, d } = make({ slotCount: 3, slotSize: 200, policy: 'sequential', checksum: 'crc32c' });
    expect([d.header('slotCount'), d.header('slotSize'), d.header('slotStride')]).toEqual([3, 200, 256]);
    expect(d.header('policy')).toBe(doc.policy.sequential);
    expect(d.header('checksum')).toBe(doc.crc.crc32c!.code);
    const producer = b.producer();
    const consumer = b.consumer();
    const p = consumer.participantIndex;
    expect(d.load(d.state('sequentialConsumer'))).toBe(d.tokenOf(p));
    expect(d.load(d.participant(p, 'role'))).toBe(doc.role.consumer);
    const lengths = [0, 1, 63, 64, 65, 199, 200];
    for (let s = 0; s < lengths.length; s++) {
      const length = lengths[s]!;
      const i = d.slotOf(s);
      const w = producer.acquireWriteSlot({ timeoutMs: 5000 });
      expect(w.index).toBe(i);
      const writing = d.load(d.control(i, 'state'));
      expect(writing & 3).toBe(doc.slotState.WRITING);
      expect(writing >>> 2).toBe(d.load(d.state('producer')));
      expect(d.read64(d.control(i, 'seq'))).toBe(s);
      w.data.set(pattern(s, length));
      w.commit(length);

      expect(d.load(d.control(i, 'state'))).toBe(doc.slotState.COMMITTED);
      expect(d.read64(d.control(i, 'seq'))).toBe(s);
      expect(d.load(d.control(i, 'length'))).toBe(length);
      expect(d.load(d.control(i, 'flags')) & 1).toBe(1);
      const bytes = d.payload(i, length);
      expect(bytes).toEqual(pattern(s, length));
      expect(d.load(d.control(i, 'checksum')) >>> 0).toBe(docCrc('crc32c', bytes));
      expect(d.load(d.state('newest'))).toBe(i + 1);
      expect(d.read64(d.state('writeSeq'))).toBe(s + 1);
      expect([d.load(d.control(i, 'pending')), d.load(d.control(i, 'pending', 1))]).toEqual([1, 0]);

      const r = consumer.acquireConsumeSlot({ timeoutMs: 5000 });
      expect([r.slotId, r.index]).toEqual([s, i]);
      expect(d.maskHas(d.control(i, 'readers'), p)).toBe(true);
      r.release();
      expect([d.load(d.control(i, 'pending')), d.load(d.control(i, 'readers')), d.load(d.control(i, 'readers', 1))]).toEqual([0, 0, 0]);
      expect(d.read64(d.participant(p, 'position'))).toBe(s + 1);
    }
    consumer.close();
    expect(d.load(d.state('sequentialConsumer'))).toBe(0);
  });

  it('crc32 as zlib\'s is what the producer stores; checksumPolicy none stores nothing', () => {
    const { b, d } = make({ slotCount: 4, slotSize: 300, policy: 'latest-only', checksum: 'crc32' });
    const producer = b.producer();
    for (const [s, length] of [0, 5, 100, 300].entries()) {
      const w = producer.acquireWriteSlot({ timeoutMs: 5000 });
      w.data.set(pattern(s, length));
      w.commit(length);
      const i = d.slotOf(s);
      const bytes = d.payload(i, length);
      expect(d.load(d.control(i, 'flags')) & 1).toBe(1);
      expect(d.load(d.control(i, 'checksum')) >>> 0).toBe(docCrc('crc32', bytes));
      expect(d.load(d.control(i, 'checksum')) >>> 0).toBe(zlibCrc32(bytes));
    }
    const other = make({ slotCount: 2, slotSize: 64, policy: 'latest-only', checksum: 'crc32c', checksumPolicy: 'none' });
    const w = other.b.producer().acquireWriteSlot({ timeoutMs: 5000 });
    w.data.set(pattern(1, 10));
    w.commit(10);
    expect([other.d.load(other.d.control(0, 'flags')), other.d.load(other.d.control(0, 'checksum'))]).toEqual([0, 0]);
  });

  it('empty flex zone: the creator puts it at the slot control offset (half-open ranges); a non-empty one ends before it', () => {
    const empty = make({ slotCount: 2, slotSize: 64 }).d;
    expect(empty.header('flexSize')).toBe(0);
    expect(empty.header('flexOffset')).toBe(empty.header('controlOffset'));
    const some = make({ slotCount: 2, slotSize: 64, flexZoneSize: 100 }).d;
    expect(some.header('flexOffset') + 100).toBeLessThanOrEqual(some.header('controlOffset'));
    expect(some.header('flexOffset') % 64).toBe(0);
  });

  it('masks: index >= 32 is in the hi word; a foreign role-4 reader holds a slot against the producer; a role-5 one does not', () => {
    const { b, d } = make({ slotCount: 2, slotSize: 64, policy: 'latest-only' }); // creator: entry 0
    const producer = b.producer(); // entry 1
    for (let k = 0; k < 32; k++) blocks.push(DataBlock.attach(b.name)); // entries 2..33
    const consumer = b.consumer();
    const p = consumer.participantIndex;
    expect(p).toBe(34);
    expect(maskBit(p)).toEqual({ half: 1, bit: 1 << 2 });
    producer.acquireWriteSlot({ timeoutMs: 5000 }).commit(8); // slotId 0 in slot 0
    const readers0 = d.control(0, 'readers');
    const r = consumer.acquireConsumeSlot({ timeoutMs: 5000 });
    expect([d.load(readers0), d.load(readers0 + 1)]).toEqual([0, 1 << 2]);
    r.release();
    expect([d.load(readers0), d.load(readers0 + 1)]).toEqual([0, 0]);
    expect(d.read64(d.participant(p, 'position'))).toBe(1); // latest-only: last + 1

    // The document's consumer: role 4 at entry 40, its token in word 10, enters slot 0 (slotId 0).
    const q = 40;
    const token = d.register(q, 'consumer');
    d.store(d.participant(q, 'token'), token);
    expect(d.enter(0, 0, q)).toBe(true);
    expect([d.load(readers0), d.load(readers0 + 1)]).toEqual([0, 1 << 8]);
    expect(b.diagnose().slots[0]!.readers).toEqual([{ participant: 40, pid: process.pid, alive: true }]);
    expect(b.releaseZombieReaders().released).toEqual([]); // a live role-4 reader keeps its bit
    expect(d.maskHas(readers0, q)).toBe(true);
    producer.acquireWriteSlot({ timeoutMs: 5000 }).commit(8); // slotId 1 in slot 1
    expect(producer.tryAcquireWriteSlot()).toBeNull(); // slotId 2 needs slot 0, which q holds
    expect(d.load(d.control(0, 'state'))).toBe(doc.slotState.COMMITTED); // the failed try gave it back
    d.release(0, q, 'latest-only', 1);
    const w = producer.tryAcquireWriteSlot();
    expect([w?.slotId, w?.index]).toEqual([2, 0]);
    w!.commit(8);

    // An observer (role 5) at entry 41 holding slot 1: its bit is cleared like a dead reader's.
    d.register(41, 'observer');
    expect(d.enter(1, 1, 41)).toBe(true);
    expect(d.load(d.control(1, 'readers', 1))).toBe(1 << 9);
    expect(b.releaseZombieReaders().released).toMatchObject([{ participant: 41 }]);
    expect(d.maskHas(d.control(1, 'readers'), 41)).toBe(false);

    for (const e of [40, 41]) {
      const generation = d.load(d.participant(e, 'generation'));
      d.unregister(e);
      expect(d.load(d.participant(e, 'state'))).toBe(doc.entryState.free);
      for (const word of ['role', 'pid', 'tid', 'start', 'position', 'token']) expect(d.load(d.participant(e, word))).toBe(0);
      expect(d.load(d.participant(e, 'generation'))).toBe(generation);
    }
    consumer.close();
  });

  it('waiting: an announced waiter makes a commit bump commitCounter and wake the shared futex; releases wake a sleeping producer', async () => {
    const { b, d } = make({ slotCount: 1, slotSize: 64, policy: 'latest-only' });
    const producer = b.producer();
    const q = 45;
    d.store(d.participant(q, 'token'), d.register(q, 'consumer'));
    const counter = d.state('commitCounter');
    const waiters = d.state('consumerWaiters');
    const before = d.load(counter);
    producer.acquireWriteSlot({ timeoutMs: 5000 }).commit(4); // slotId 0, nobody waits
    expect(d.load(counter)).toBe(before);

    // Sleep as consumer 45: read the counter, THEN announce (bit 13 of the hi word), then sleep.
    const seen = d.load(counter);
    const { half, bit } = maskBit(q);
    d.or(waiters + half, bit);
    expect(d.load(waiters + 1)).toBe(1 << 13);
    // Through this mapping, at another address than the producer's: only a shared futex matches.
    const sleeping = d.mapping.futexWaitAsync(d.stateByte('commitCounter'), seen, 10_000);
    producer.acquireWriteSlot({ timeoutMs: 5000 }).commit(4); // slotId 1
    expect(d.load(counter)).toBe(seen + 1);
    expect([0, errno.EAGAIN]).toContain(await sleeping); // woken, or the counter moved first; never ETIMEDOUT
    d.and(waiters + half, ~bit);
    producer.acquireWriteSlot({ timeoutMs: 5000 }).commit(4); // slotId 2, nobody waits
    expect(d.load(counter)).toBe(seen + 1);

    // Hold slot 0 (slotId 2): the producer needs it for slotId 3, drains it and sleeps.
    expect(d.enter(0, 2, q)).toBe(true);
    const releases = d.load(d.state('releaseCounter'));
    const next = producer.acquireWriteSlotAsync({ timeoutMs: 20_000 });
    await until(() => d.load(d.state('producerWaiters')) === 1, 'the producer announces itself in producerWaiters');
    const draining = d.load(d.control(0, 'state'));
    expect(draining & 3).toBe(doc.slotState.DRAINING);
    expect(draining >>> 2).toBe(d.load(d.state('producer')));
    // A newcomer backs out of a DRAINING slot (and tells the producer), then the holder releases.
    const late = 46;
    d.register(late, 'consumer');
    expect(d.enter(0, 2, late)).toBe(false);
    expect(d.maskHas(d.control(0, 'readers'), late)).toBe(false);
    d.release(0, q, 'latest-only', 3);
    expect(d.load(d.state('releaseCounter'))).toBe(releases + 2);
    const w = await next;
    expect([w.slotId, w.index]).toEqual([3, 0]);
    expect(d.load(d.control(0, 'state'))).toBe((d.load(d.state('producer')) << 2) | doc.slotState.WRITING!);
    w.commit(4);
    expect(d.load(d.state('producerWaiters'))).toBe(0);
    d.unregister(q);
    d.unregister(late);
  });

  it('the sequential word: claimed by token, cleared on close, refused to a second live consumer, taken over from a dead one', async () => {
    const { b, d } = make({ slotCount: 2, slotSize: 64, policy: 'sequential' });
    const word = d.state('sequentialConsumer');
    const producer = b.producer();
    const c1 = b.consumer();
    expect(d.load(word)).toBe(d.tokenOf(c1.participantIndex));
    expectCode(() => b.consumer(), 'ERR_DATABLOCK_POLICY');
    c1.close();
    expect(d.load(word)).toBe(0);

    // The document's sequential consumer at entry 50 takes the word; the library respects it.
    const q = 50;
    const token = d.register(q, 'consumer');
    d.store(d.participant(q, 'token'), token);
    expect(d.cas(word, 0, token)).toBe(true);
    expectCode(() => b.consumer(), 'ERR_DATABLOCK_POLICY');
    for (const s of [0, 1]) {
      const w = producer.acquireWriteSlot({ timeoutMs: 5000 });
      w.data.set(pattern(s, 16));
      w.commit(16);
    }
    expect(producer.tryAcquireWriteSlot()).toBeNull(); // ring full: slot 0 is pending
    const i = d.slotOf(0);
    expect([d.load(d.control(i, 'state')), d.read64(d.control(i, 'seq')), d.load(d.control(i, 'pending'))]).toEqual([doc.slotState.COMMITTED, 0, 1]);
    expect(d.enter(i, 0, q)).toBe(true);
    expect(d.payload(i, d.load(d.control(i, 'length')))).toEqual(pattern(0, 16));
    d.release(i, q, 'sequential', 1);
    expect([d.load(d.control(i, 'pending')), d.load(d.control(i, 'readers', 1))]).toEqual([0, 0]);
    const w2 = producer.tryAcquireWriteSlot();
    expect([w2?.slotId, w2?.index]).toEqual([2, 0]);
    w2!.commit(16);
    expect(d.cas(word, token, 0)).toBe(true); // close: the word, then the entry
    d.unregister(q);

    // A library consumer now starts at the oldest unconsumed slot, slotId 1.
    const c2 = b.consumer();
    expect(d.load(word)).toBe(d.tokenOf(c2.participantIndex));
    const r = c2.acquireConsumeSlot({ timeoutMs: 5000 });
    expect(r.slotId).toBe(1);
    r.release();
    c2.close();

    // A consumer process holding slotId 2 is killed: its token stays until a new consumer takes over.
    const child = spawnFixture('slots.mjs', [b.name, 'hold']);
    await child.line('consumer ready', 45_000);
    const held = (await child.line(/^holding /, 45_000)).split(' ').map(Number);
    expect(held[1]).toBe(2);
    const slot = held[2]!;
    const dead = d.load(word);
    const deadIndex = (dead & ((1 << doc.tokenShift) - 1)) - 1;
    expect(d.load(d.participant(deadIndex, 'pid'))).toBe(child.proc.pid);
    expect(d.maskHas(d.control(slot, 'readers'), deadIndex)).toBe(true);
    child.proc.kill('SIGKILL');
    await child.exited;
    expect(d.load(word)).toBe(dead);
    const c3 = b.consumer();
    expect(d.load(word)).toBe(d.tokenOf(c3.participantIndex));
    expect(d.maskHas(d.control(slot, 'readers'), deadIndex)).toBe(false);
    expect(d.load(d.control(slot, 'pending'))).toBe(1);
    const again = c3.acquireConsumeSlot({ timeoutMs: 5000 });
    expect(again.slotId).toBe(2); // delivered again
    again.release();
    c3.close();
  });
});
