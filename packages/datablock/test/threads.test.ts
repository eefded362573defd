import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { DataBlock, selfIdentity } from '../src/index.js';
import { namer } from './helpers.js';

// Threads as participants: every worker thread registers with its own identity (pid, tid, the
// thread's start time), so two threads of one process are producer and consumer of one block,
// and a worker thread terminated while holding a slot, a read mark or the mutex is recovered like
// a dead process although its process lives. Real worker_threads running test/fixtures/thread.mjs.

const names = namer('thr');
const open: DataBlock[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
  for (const b of open.splice(0)) b.close();
  names.cleanup();
});

interface Msg { tid: number; ready?: boolean; done?: boolean; held?: number; participant?: number; locked?: boolean; seen?: number[] }

function thread(name: string, mode: string, n = 0): { worker: Worker; next: (what: keyof Msg) => Promise<Msg> } {
  const worker = new Worker(new URL('./fixtures/thread.mjs', import.meta.url), { workerData: { name, mode, n } });
  workers.push(worker);
  const queue: Msg[] = [];
  const waiting: Array<{ what: keyof Msg; resolve: (m: Msg) => void; reject: (e: Error) => void }> = [];
  const settle = (): void => {
    for (const w of [...waiting]) {
      const i = queue.findIndex((m) => m[w.what] !== undefined);
      if (i < 0) continue;
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(queue.splice(i, 1)[0]!);
    }
  };
  worker.on('message', (m: Msg) => { queue.push(m); settle(); });
  const fail = (e: Error): void => { for (const w of waiting.splice(0)) w.reject(e); };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`thread ${mode} exited with ${code} before reporting`)));
  return { worker, next: (what) => new Promise((resolve, reject) => { waiting.push({ what, resolve, reject }); settle(); }) };
}

function make(policy: 'latest-only' | 'sequential' = 'sequential', slotCount = 4): DataBlock {
  const block = DataBlock.create(names.next(), { slotCount, slotSize: 64, policy });
  open.push(block);
  return block;
}

describe('threads as participants', () => {
  it('this thread has its own identity: tid from /proc/thread-self and the thread start time', () => {
    const me = selfIdentity();
    expect(me.pid).toBe(process.pid);
    expect(me.tid).toBeGreaterThan(0);
    const block = make();
    const [entry] = block.participants();
    expect(entry).toMatchObject({ pid: process.pid, tid: me.tid, startTime: me.startTime, alive: true });
  });

  it('two worker threads of one process are producer and consumer of one block', async () => {
    const block = make('sequential', 4);
    const consumer = thread(block.name, 'consume');
    const c = await consumer.next('ready');
    const producer = thread(block.name, 'produce', 300);
    const p = await producer.next('ready');
    expect(c.tid).not.toBe(p.tid);
    const entries = block.participants();
    expect(entries.find((e) => e.index === p.participant)).toMatchObject({ role: 'producer', pid: process.pid, tid: p.tid, alive: true });
    expect(entries.find((e) => e.index === c.participant)).toMatchObject({ role: 'consumer', pid: process.pid, tid: c.tid, alive: true });
    await producer.next('done');
    const { seen } = await consumer.next('done');
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('a worker thread terminated while holding a read mark is a dead reader: the producer drops its mark and rewrites the slot', async () => {
    const block = make('latest-only', 1);
    const producer = block.producer();
    producer.acquireWriteSlot().commit(1);
    const reader = thread(block.name, 'hold-read');
    const held = await reader.next('held');
    expect(block.diagnose().slots[0]!.readers).toEqual([{ participant: held.participant, pid: process.pid, alive: true }]);
    await reader.worker.terminate();
    expect(block.diagnose().slots[0]!.readers).toEqual([{ participant: held.participant, pid: process.pid, alive: false }]);
    // The only slot is held by the dead reader: the producer's wait clears its mark by itself.
    const slot = producer.acquireWriteSlot({ timeoutMs: 5000 });
    expect(slot.index).toBe(0);
    slot.commit(1);
    expect(block.diagnose().slots[0]!.readers).toEqual([]);
  });

  it('a worker thread terminated while writing is a dead producer: a new producer in this process replaces it and reclaims the slot', async () => {
    const block = make('sequential', 2);
    const writer = thread(block.name, 'hold-write');
    const held = await writer.next('held');
    expect(() => block.producer()).toThrow(expect.objectContaining({ code: 'ERR_DATABLOCK_PRODUCER_EXISTS' }));
    await writer.worker.terminate();
    expect(block.diagnose().slots[held.held!]).toMatchObject({ state: 'WRITING', writer: { participant: held.participant, alive: false } });
    expect(block.forceReclaimSlot(held.held!)).toMatchObject({ action: 'freed', owner: { participant: held.participant, alive: false } });
    const producer = block.producer();
    producer.acquireWriteSlot({ timeoutMs: 5000 }).commit(1);
  });

  it('a worker thread terminated while holding the mutex: the next lock reports recovered', async () => {
    const block = make();
    const locker = thread(block.name, 'hold-mutex');
    await locker.next('locked');
    expect(block.mutex.tryLock()).toBeNull();
    await locker.worker.terminate();
    expect(block.mutex.lock({ timeoutMs: 5000 })).toEqual({ recovered: true });
    block.mutex.unlock();
  });
});
