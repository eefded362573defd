// Batch calls: producer.writeBatch (several slots, one publish) and consumer.readBatch (every
// committed slot available in one call), with the single-slot calls' guarantees.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock, type Consumer, type Producer, type WriteSlot } from '../src/index.js';
import { getInternals, PARTICIPANT_WORDS } from '../src/internal.js';
import { expectCode, killChildren, namer, spawnFixture } from './helpers.js';

const names = namer('batch');
const open: DataBlock[] = [];
afterEach(async () => {
  await killChildren();
  for (const b of open.splice(0)) b.close();
  names.cleanup();
});
afterAll(() => expect(names.leftovers()).toEqual([]));

function make(options: Parameters<typeof DataBlock.create>[1]): DataBlock {
  const b = DataBlock.create(names.next(), options);
  open.push(b);
  return b;
}

/** writeBatch filling slot i of the batch with byte `first + i` over `length` bytes. */
function writeBytes(p: Producer, count: number, first: number, length = 8): number {
  return p.writeBatch(count, (data, i) => {
    data.fill(first + i, 0, length);
    return length;
  }, { timeoutMs: 1000 });
}

/** readBatch returning [slotId, first byte, length] of every slot visited. */
function readAll(c: Consumer, max: number): Array<[number, number, number]> {
  const seen: Array<[number, number, number]> = [];
  c.readBatch(max, (data, slotId) => { seen.push([slotId, data[0]!, data.length]); }, { timeoutMs: 1000 });
  return seen;
}

describe('writeBatch', () => {
  it('takes every free slot up to count, commits each, and publishes once (newest, write sequence)', () => {
    const b = make({ slotCount: 4, slotSize: 32 });
    const p = b.producer();
    expect(writeBytes(p, 10, 1)).toBe(4); // a ring of 4: four slots were free
    expect(p.nextSlotId).toBe(4);
    const d = b.diagnose();
    expect(d.nextSlotId).toBe(4);
    expect(d.slots.map((s) => s.state)).toEqual(['COMMITTED', 'COMMITTED', 'COMMITTED', 'COMMITTED']);
    const c = b.consumer();
    expect(readAll(c, 100)).toEqual([[0, 1, 8], [1, 2, 8], [2, 3, 8], [3, 4, 8]]);
    expect(writeBytes(p, 2, 9)).toBe(2);
    expect(readAll(c, 100)).toEqual([[4, 9, 8], [5, 10, 8]]);
  });

  it('waits for the first slot like acquireWriteSlot: a full ring times out with ERR_DATABLOCK_TIMEOUT', () => {
    const b = make({ slotCount: 2, slotSize: 32 });
    const p = b.producer();
    b.consumer();
    expect(writeBytes(p, 2, 1)).toBe(2);
    expectCode(() => p.writeBatch(1, () => 8, { timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
    expectCode(() => p.writeBatch(1, () => 8, { timeoutMs: 20 }), 'ERR_DATABLOCK_TIMEOUT');
    expect(p.nextSlotId).toBe(2);
  });

  it('a throwing fill aborts its slot; the slots before it stay committed and published', () => {
    const b = make({ slotCount: 8, slotSize: 32 });
    const p = b.producer();
    const c = b.consumer();
    const boom = new Error('fill failed');
    expect(() => p.writeBatch(5, (data, i) => {
      if (i === 2) throw boom;
      data[0] = 40 + i;
      return 1;
    })).toThrow(boom);
    expect(p.nextSlotId).toBe(2);
    expect(b.diagnose().slots[2]!.state).toBe('FREE');
    expect(readAll(c, 10)).toEqual([[0, 40, 1], [1, 41, 1]]);
    expect(writeBytes(p, 1, 7)).toBe(1); // slotId 2 is reused
    expect(readAll(c, 10)).toEqual([[2, 7, 8]]);
  });

  it('a bad length from fill is ERR_DATABLOCK_INVALID_ARGUMENT and aborts that slot only', () => {
    const b = make({ slotCount: 4, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    expectCode(() => p.writeBatch(3, (_data, i) => (i === 1 ? 17 : 4)), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expect(p.nextSlotId).toBe(1);
    expect(readAll(c, 10).map(([id]) => id)).toEqual([0]);
  });

  it('refuses bad arguments and calls from inside fill', () => {
    const b = make({ slotCount: 4, slotSize: 16 });
    const p = b.producer();
    expectCode(() => p.writeBatch(0, () => 1), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => p.writeBatch(1.5, () => 1), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => p.writeBatch(1, 'x' as never), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => p.writeBatch(2, () => {
      p.acquireWriteSlot({ timeoutMs: 0 });
      return 1;
    }), 'ERR_DATABLOCK_CONCURRENT_USE');
    expect(p.nextSlotId).toBe(0);
    const held = p.acquireWriteSlot();
    expectCode(() => p.writeBatch(1, () => 1), 'ERR_DATABLOCK_SLOT_HELD');
    held.abort();
  });
});

describe('readBatch', () => {
  it('sequential: visits every committed slot available, up to max, in order, and releases each', () => {
    const b = make({ slotCount: 4, slotSize: 32 });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 4, 1);
    expect(readAll(c, 3).map(([id]) => id)).toEqual([0, 1, 2]);
    expect(c.lastConsumedSlotId).toBe(2);
    expect(writeBytes(p, 4, 20)).toBe(3); // three slots were released
    expect(readAll(c, 100).map(([id]) => id)).toEqual([3, 4, 5, 6]);
    const d = b.diagnose();
    expect(d.slots.every((s) => s.readers.length === 0)).toBe(true);
    expect(d.consumers[0]!.position).toBe(7);
    expectCode(() => c.readBatch(1, () => {}, { timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
  });

  it('a throwing visit: its slot is released as consumed, the next call continues after it', () => {
    const b = make({ slotCount: 4, slotSize: 32 });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 4, 1);
    const seen: number[] = [];
    expect(() => c.readBatch(10, (_d, id) => {
      seen.push(id);
      if (id === 1) throw new Error('visit failed');
    })).toThrow('visit failed');
    expect(seen).toEqual([0, 1]);
    expect(readAll(c, 10).map(([id]) => id)).toEqual([2, 3]);
    expect(writeBytes(p, 10, 1)).toBe(4);
  });

  it('latest-only: one slot, the newest', () => {
    const b = make({ slotCount: 4, slotSize: 32, policy: 'latest-only' });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 3, 1);
    expect(readAll(c, 10)).toEqual([[2, 3, 8]]);
    expectCode(() => c.readBatch(10, () => {}, { timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
  });

  it('sequential-sync: two readers each get every slot; the producer waits for the slower', () => {
    const b = make({ slotCount: 4, slotSize: 32, policy: 'sequential-sync' });
    const c1 = b.consumer();
    const c2 = b.consumer();
    const p = b.producer();
    expect(writeBytes(p, 10, 1)).toBe(4);
    expect(readAll(c1, 10).map(([id]) => id)).toEqual([0, 1, 2, 3]);
    expectCode(() => p.writeBatch(1, () => 1, { timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT'); // c2 has not read
    expect(readAll(c2, 2).map(([id]) => id)).toEqual([0, 1]);
    expect(writeBytes(p, 10, 9)).toBe(2);
    expect(readAll(c2, 10).map(([id]) => id)).toEqual([2, 3, 4, 5]);
    expect(readAll(c1, 10).map(([id]) => id)).toEqual([4, 5]);
  });

  it('checksums: verdicts passed to visit (manual); enforced skips a corrupt slot after delivering the ones before', () => {
    const manual = make({ slotCount: 4, slotSize: 32, checksum: 'crc32c', checksumPolicy: 'manual' });
    const pm = manual.producer();
    writeBytes(pm, 3, 1);
    getInternals(manual).slot(1)[0] = 99; // corrupt slot 1 after its commit
    const verdicts: boolean[] = [];
    manual.consumer().readBatch(10, (_d, _id, ok) => { verdicts.push(ok); });
    expect(verdicts).toEqual([true, false, true]);

    const enforced = make({ slotCount: 4, slotSize: 32, checksum: 'crc32c' });
    const pe = enforced.producer();
    const ce = enforced.consumer();
    writeBytes(pe, 3, 1);
    getInternals(enforced).slot(1)[0] = 99;
    const seen: number[] = [];
    const error = expectCode(() => ce.readBatch(10, (_d, id) => { seen.push(id); }), 'ERR_DATABLOCK_CHECKSUM_MISMATCH');
    expect(error.message).toContain('slot 1');
    expect(seen).toEqual([0]);
    expect(readAll(ce, 10).map(([id]) => id)).toEqual([2]);
  });

  it('end of stream after the last slot; refuses calls from inside visit and bad arguments', () => {
    const b = make({ slotCount: 4, slotSize: 32 });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 2, 1);
    p.end();
    expectCode(() => c.readBatch(1, () => { c.tryAcquireConsumeSlot(); }), 'ERR_DATABLOCK_CONCURRENT_USE');
    expect(readAll(c, 10).map(([id]) => id)).toEqual([1]);
    expectCode(() => c.readBatch(1, () => {}), 'ERR_DATABLOCK_END_OF_STREAM');
    expectCode(() => c.readBatch(0, () => {}), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    expectCode(() => c.readBatch(1, null as never), 'ERR_DATABLOCK_INVALID_ARGUMENT');
  });

  it('readBatchAsync waits without blocking the event loop, and wakes on the commit', async () => {
    const b = make({ slotCount: 4, slotSize: 32 });
    const p = b.producer();
    const c = b.consumer();
    const seen: number[] = [];
    const pending = c.readBatchAsync(10, (_d, id) => { seen.push(id); }, { timeoutMs: 10_000 });
    expect(seen).toEqual([]); // nothing committed yet: the call is waiting
    expect(await p.writeBatchAsync(2, () => 4)).toBe(2);
    const first = await pending; // woken by the first commit: one slot, or both if it ran late
    expect(first).toBe(seen.length);
    if (first < 2) seen.push(...readAll(c, 10).map(([id]) => id));
    expect(seen).toEqual([0, 1]);
    const aborted = new AbortController();
    const waiting = c.readBatchAsync(1, () => {}, { signal: aborted.signal });
    aborted.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_DATABLOCK_ABORTED' });
  });
});

describe('close() from inside a batch callback', () => {
  it('producer: the slot being filled is freed, the commits before it are published, the role is given up', () => {
    const b = make({ slotCount: 8, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    expectCode(() => p.writeBatch(5, (data, i) => {
      data[0] = 60 + i;
      if (i === 2) p.close();
      return 1;
    }), 'ERR_DATABLOCK_CLOSED');
    const d = b.diagnose();
    expect(d.producer).toBeNull();
    expect(d.nextSlotId).toBe(2); // slots 0 and 1 published by close()
    expect(d.slots.slice(0, 3).map((s) => s.state)).toEqual(['COMMITTED', 'COMMITTED', 'FREE']);
    expect(readAll(c, 10)).toEqual([[0, 60, 1], [1, 61, 1]]);
    const next = b.producer(); // a new producer resumes after them
    expect(writeBytes(next, 1, 9)).toBe(1);
    expect(readAll(c, 10)).toEqual([[2, 9, 8]]);
  });

  it('consumer: the slot being visited is released while still registered; nothing is written after close', () => {
    const b = make({ slotCount: 4, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 4, 1);
    const seen: number[] = [];
    expect(c.readBatch(10, (_d, id) => {
      seen.push(id);
      if (id === 1) c.close();
    })).toBe(2);
    expect(seen).toEqual([0, 1]);
    // close() freed the entry: its words stay zero (no position written after close).
    const p0 = c.participantIndex * PARTICIPANT_WORDS;
    expect([...getInternals(b).participants.words.subarray(p0, p0 + PARTICIPANT_WORDS)].filter((_w, i) => i !== 6 && i !== 7)).toEqual(new Array(14).fill(0));
    const d = b.diagnose();
    expect(d.consumers).toEqual([]);
    expect(d.slots.every((s) => s.readers.length === 0)).toBe(true);
    expect(d.slots.map((s) => s.pending)).toEqual([false, false, true, true]); // 0, 1 consumed
    expect(readAll(b.consumer(), 10).map(([id]) => id)).toEqual([2, 3]);
  });

  it('producer: a new producer that takes the slot meanwhile keeps it (the abort is a CAS on the old owner)', () => {
    const b = make({ slotCount: 8, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    let taken: WriteSlot | undefined;
    expectCode(() => p.writeBatch(5, (_data, i) => {
      if (i === 2) {
        p.close();
        taken = b.producer().acquireWriteSlot({ timeoutMs: 1000 }); // the slot p was filling
      }
      return 1;
    }), 'ERR_DATABLOCK_CLOSED');
    expect(taken!.slotId).toBe(2);
    expect(b.diagnose().slots[2]!.state).toBe('WRITING');
    taken!.data[0] = 77;
    taken!.commit(1);
    expect(readAll(c, 10)).toEqual([[0, 0, 1], [1, 0, 1], [2, 77, 1]]);
  });
});

describe('an async call that entered a slot at once resumes a microtask later', () => {
  it('meanwhile other calls are refused, and close() gives the slot back unread / unwritten', async () => {
    const b = make({ slotCount: 4, slotSize: 16 });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 1, 5);
    const both = Promise.allSettled([c.acquireConsumeSlotAsync(), c.acquireConsumeSlotAsync()]);
    const [first, second] = await both;
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'ERR_DATABLOCK_CONCURRENT_USE' } });
    (first as PromiseFulfilledResult<{ release(): void }>).value.release();

    writeBytes(p, 1, 6); // slotId 1
    const reading = c.readBatchAsync(10, () => {});
    c.close();
    await expect(reading).rejects.toMatchObject({ code: 'ERR_DATABLOCK_CLOSED' });
    const d = b.diagnose();
    expect(d.slots.every((s) => s.readers.length === 0)).toBe(true);
    expect(readAll(b.consumer(), 10)).toEqual([[1, 6, 8]]); // not consumed: the next consumer gets it

    const writing = p.acquireWriteSlotAsync();
    expectCode(() => p.tryAcquireWriteSlot(), 'ERR_DATABLOCK_CONCURRENT_USE');
    p.close();
    await expect(writing).rejects.toMatchObject({ code: 'ERR_DATABLOCK_CLOSED' });
    expect(b.diagnose().slots[2]!.state).toBe('FREE');
    expect(b.producer().nextSlotId).toBe(2);
  });

  it('latest-only readBatch visits one slot even when visit commits more', () => {
    const b = make({ slotCount: 4, slotSize: 16, policy: 'latest-only' });
    const p = b.producer();
    const c = b.consumer();
    writeBytes(p, 1, 1);
    const seen: number[] = [];
    expect(c.readBatch(10, (_d, id) => {
      seen.push(id);
      if (id === 0) writeBytes(p, 2, 2);
    })).toBe(1);
    expect(seen).toEqual([0]);
    expect(readAll(c, 10).map(([id]) => id)).toEqual([2]);
  });
});

describe('batches across processes', () => {
  it('a child producer writes 20 000 slots through writeBatch(16); readBatch gets every byte in order (crc32c enforced)', async () => {
    const b = make({ slotCount: 16, slotSize: 4096, checksum: 'crc32c' });
    const consumer = b.consumer();
    const child = spawnFixture('slots.mjs', [b.name, 'produce-batch', '20000', '16']);
    await child.line('producing');
    let n = 0;
    let bad = 0;
    for (;;) {
      try {
        await consumer.readBatchAsync(64, (data, slotId) => {
          if (slotId !== n || data.length !== 64 + (n % 8) * 500) bad++;
          for (let j = 0; j < data.length; j += 97) if (data[j] !== ((slotId * 31 + j) & 0xff)) bad++;
          n++;
        }, { timeoutMs: 20_000 });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_DATABLOCK_END_OF_STREAM') break;
        throw error;
      }
    }
    expect(bad).toBe(0);
    expect(n).toBe(20_000);
    expect((await child.exited).code).toBe(0);
  });
});
