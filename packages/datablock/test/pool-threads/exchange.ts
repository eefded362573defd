// Shared body of the pool-threads test files: vitest's `threads` pool runs each file in a worker
// thread of one process, so these files use blocks at the same time from several threads.
// Segment names carry this thread's tid, not the pid (the leak guard of a file that ends first
// must not count another running file's segments); each file checks its own leftovers.
import { readdirSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { expect } from 'vitest';
import { DataBlock, selfIdentity, type Policy } from '../../src/index.js';

export function threadNamer(tag: string): { next(): string; cleanup(): void; leftovers(): string[] } {
  const prefix = `thr${selfIdentity().tid}-${tag}-`;
  const made: string[] = [];
  return {
    next: () => { const name = `${prefix}${made.length + 1}`; made.push(name); return name; },
    cleanup: () => { for (const name of made.splice(0)) { try { DataBlock.unlink(name); } catch { /* gone */ } } },
    leftovers: () => readdirSync('/dev/shm').filter((f) => f.includes(prefix)),
  };
}

/** A block with a producer and a consumer in this thread; `count` slots go through in order. */
export async function exchange(name: string, policy: Policy, count: number): Promise<void> {
  const me = selfIdentity();
  expect(me.pid).toBe(process.pid);
  expect(isMainThread).toBe(false); // vitest.threads.config.ts: this file runs in a worker thread
  expect(me.tid).not.toBe(process.pid); // with its own tid
  const block = DataBlock.create(name, { slotCount: 4, slotSize: 16, policy });
  try {
    const producer = block.producer();
    const consumer = block.consumer();
    for (const e of block.participants()) expect(e).toMatchObject({ pid: me.pid, tid: me.tid, startTime: me.startTime, alive: true });
    for (let i = 0; i < count; i++) {
      const w = await producer.acquireWriteSlotAsync({ timeoutMs: 5000 });
      w.data[0] = i & 0xff;
      w.commit(1);
      const r = await consumer.acquireConsumeSlotAsync({ timeoutMs: 5000 });
      expect(r.data[0]).toBe(i & 0xff);
      r.release();
    }
    // Another thread of this process sees this thread's entries alive, with this thread's tid.
    const other = DataBlock.attach(name);
    expect(other.participants().filter((e) => e.tid === me.tid)).toHaveLength(4);
    other.close();
  } finally {
    block.close();
  }
}
