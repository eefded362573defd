import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock } from '../src/index.js';
import { expectCode, killChildren, namer, spawnFixture } from './helpers.js';

const names = namer('slotsx');
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

describe('slots across processes', () => {
  it('a child producer streams 10 000 slots with crc32c enforced; every byte checks out', async () => {
    const b = make({ slotCount: 16, slotSize: 4096, checksum: 'crc32c' });
    const consumer = b.consumer();
    const child = spawnFixture('slots.mjs', [b.name, 'produce', '10000']);
    await child.line('producing');
    let n = 0;
    let bad = 0;
    for await (const slot of consumer) {
      const { slotId, data } = slot;
      if (slotId !== n || data.length !== 64 + (n % 8) * 500) bad++;
      for (let j = 0; j < data.length; j += 97) if (data[j] !== ((slotId * 31 + j) & 0xff)) bad++;
      n++;
    }
    expect(bad).toBe(0);
    expect(n).toBe(10_000);
    expect((await child.exited).code).toBe(0);
  });

  it('a producer SIGKILLed while WRITING: forceReclaimSlot refuses while it lives, then frees the slot for a new producer', async () => {
    const b = make({ slotCount: 2, slotSize: 64 });
    const consumer = b.consumer();
    const child = spawnFixture('slots.mjs', [b.name, 'write-and-hang']);
    const [, index, slotId] = (await child.line(/^writing /)).split(' ').map(Number);
    expect(b.diagnose().slots[index!]).toMatchObject({ state: 'WRITING', slotId, writer: { pid: child.proc.pid, alive: true } });
    expectCode(() => b.forceReclaimSlot(index!), 'ERR_DATABLOCK_OWNER_ALIVE');
    expectCode(() => b.producer(), 'ERR_DATABLOCK_PRODUCER_EXISTS');
    expect(expectCode(() => consumer.acquireConsumeSlot({ timeoutMs: 10 }), 'ERR_DATABLOCK_TIMEOUT').message)
      .toMatch(new RegExp(`the producer \\(pid ${child.proc.pid}\\) is alive`));
    child.proc.kill('SIGKILL');
    await child.exited;
    // A consumer waiting on a dead producer is told so when its wait times out.
    expect(expectCode(() => consumer.acquireConsumeSlot({ timeoutMs: 10 }), 'ERR_DATABLOCK_TIMEOUT').message)
      .toMatch(new RegExp(`the producer \\(participant \\d+, pid ${child.proc.pid}\\) is dead; start a replacement producer`));
    expect(b.forceReclaimSlot(index!)).toMatchObject({ action: 'freed', previousState: 'WRITING', owner: { alive: false } });
    const producer = b.producer(); // replaces the dead producer
    const w = producer.acquireWriteSlot({ timeoutMs: 1000 });
    expect(w.index).toBe(index);
    w.data.set([0xca, 0xfe]);
    w.commit(2);
    const r = consumer.acquireConsumeSlot({ timeoutMs: 1000 });
    expect([...r.data]).toEqual([0xca, 0xfe]); // never the dead writer's half-written 0xee bytes
    r.release();
  });

  it("a new producer reclaims a dead writer's WRITING slot by itself on its first acquire", async () => {
    const b = make({ slotCount: 2, slotSize: 64 });
    const child = spawnFixture('slots.mjs', [b.name, 'write-and-hang']);
    const [, index] = (await child.line(/^writing /)).split(' ').map(Number);
    child.proc.kill('SIGKILL');
    await child.exited;
    const producer = b.producer();
    const w = producer.acquireWriteSlot({ timeoutMs: 1000 });
    expect([w.index, w.slotId]).toEqual([index, 0]);
    w.commit(3);
    expect(b.diagnose().slots[index!]).toMatchObject({ state: 'COMMITTED', length: 3, writer: null });
  });

  it("a new producer that reuses the dead writer's participant entry still reclaims its WRITING slot (crash campaign finding)", async () => {
    const b = make({ slotCount: 2, slotSize: 64 });
    const child = spawnFixture('slots.mjs', [b.name, 'write-and-hang']);
    const [, index] = (await child.line(/^writing /)).split(' ').map(Number);
    const deadProducer = b.diagnose().producer?.participant;
    child.proc.kill('SIGKILL');
    await child.exited;
    b.cleanupDeadConsumers(); // frees the dead producer's entry, so the next producer gets it
    const producer = b.producer();
    expect(producer.participantIndex).toBe(deadProducer); // same entry, same writer tag
    const w = producer.acquireWriteSlot({ timeoutMs: 2000 });
    expect(w.index).toBe(index);
    w.commit(1);
  });

  it('a consumer SIGKILLed holding a slot: the waiting producer recovers by itself', async () => {
    const b = make({ slotCount: 1, slotSize: 64, policy: 'latest-only' });
    const producer = b.producer();
    const child = spawnFixture('slots.mjs', [b.name, 'hold']);
    await child.line('consumer ready');
    producer.acquireWriteSlot({ timeoutMs: 1000 }).commit(8);
    await child.line(/^holding 0 0/);
    expect(b.diagnose().slots[0]!.readers).toMatchObject([{ pid: child.proc.pid, alive: true }]);
    const next = producer.acquireWriteSlotAsync({ timeoutMs: 10_000 });
    child.proc.kill('SIGKILL');
    await child.exited;
    const w = await next; // the producer's wait noticed the dead reader and cleared its mark
    expect(w.slotId).toBe(1);
    w.commit(1);
    expect(b.diagnose().slots[0]!.readers).toEqual([]);
    expect(b.cleanupDeadConsumers().removed).toMatchObject([{ pid: child.proc.pid, role: 'consumer' }]);
  });

  it('releaseZombieReaders clears exactly the marks of a dead reader and refuses a live one', async () => {
    const b = make({ slotCount: 2, slotSize: 64, policy: 'latest-only' });
    const producer = b.producer();
    const live = b.consumer();
    const child = spawnFixture('slots.mjs', [b.name, 'hold']);
    await child.line('consumer ready');
    producer.acquireWriteSlot({ timeoutMs: 1000 }).commit(8);
    await child.line(/^holding 0 0/);
    const mine = live.acquireConsumeSlot({ timeoutMs: 0 });
    expect(b.diagnose().slots[0]!.readers.length).toBe(2);
    expectCode(() => b.releaseZombieReaders({ participants: [live.participantIndex] }), 'ERR_DATABLOCK_OWNER_ALIVE');
    expect(b.releaseZombieReaders().released).toEqual([]);
    child.proc.kill('SIGKILL');
    await child.exited;
    expect(b.releaseZombieReaders().released).toMatchObject([{ pid: child.proc.pid, alive: false, readerMarks: 1 }]);
    expect(b.diagnose().slots[0]!.readers).toMatchObject([{ participant: live.participantIndex }]);
    mine.release();
  });

  it('a sequential-sync reader that died no longer holds the producer back', async () => {
    const b = make({ slotCount: 2, slotSize: 64, policy: 'sequential-sync' });
    const producer = b.producer();
    const child = spawnFixture('slots.mjs', [b.name, 'hold']);
    await child.line('consumer ready');
    producer.acquireWriteSlot({ timeoutMs: 1000 }).commit(1);
    await child.line(/^holding 0 /);
    producer.acquireWriteSlot({ timeoutMs: 1000 }).commit(1);
    expect(producer.tryAcquireWriteSlot()).toBeNull(); // the child has not consumed slot 0
    child.proc.kill('SIGKILL');
    await child.exited;
    const w = producer.acquireWriteSlot({ timeoutMs: 5000 });
    w.commit(1);
    expect(b.releaseZombieReaders()).toEqual({ released: [] });
  });

  it('an idle blocked consumer uses almost no CPU', async () => {
    const b = make({ slotCount: 2, slotSize: 64 });
    const child = spawnFixture('slots.mjs', [b.name, 'idle']);
    const [, code, waitedMs, cpuMs] = (await child.line(/^idle /)).split(' ');
    expect(code).toBe('ERR_DATABLOCK_TIMEOUT');
    expect(Number(waitedMs)).toBeGreaterThanOrEqual(990);
    expect(Number(cpuMs)).toBeLessThan(50);
  });

  it('readers, dying readers and reapers racing on a small table: no live reader ever loses its mark', async () => {
    // 3 readers register, hold, check their mark and close, over and over; victims die holding a
    // slot one after another; 2 reapers and the producer (waiting on held slots) clear dead
    // marks meanwhile. Dead entries are freed and taken again at once, the interleaving the
    // marks lock exists for. Every reader checks its own mark while it holds the slot.
    const b = make({ slotCount: 4, slotSize: 64, policy: 'latest-only', maxParticipants: 12 });
    const producer = b.producer();
    producer.acquireWriteSlot().commit(8);
    let producing = true;
    const produced = (async () => {
      let commits = 0;
      while (producing) {
        const w = await producer.acquireWriteSlotAsync({ timeoutMs: 20_000 });
        w.commit(8);
        commits++;
        await new Promise(setImmediate); // lets the test's own awaits run; orders nothing
      }
      return commits;
    })();
    const reapers = [0, 1].map(() => spawnFixture('churn.mjs', [b.name, 'reaper']));
    for (const r of reapers) await r.line('reaping');
    const rounds = 300;
    const readers = [0, 1, 2].map(() => spawnFixture('churn.mjs', [b.name, 'reader', String(rounds)]));
    const victims = 12;
    for (let v = 0; v < victims; v++) {
      const victim = spawnFixture('churn.mjs', [b.name, 'victim']);
      await victim.line('holding', 30_000);
      victim.proc.kill('SIGKILL');
      await victim.exited;
    }
    const done = await Promise.all(readers.map((r) => r.line(/^done /, 120_000)));
    expect(done).toEqual(readers.map(() => `done ${rounds} 0`));
    producing = false;
    expect(await produced).toBeGreaterThan(0);
    for (const r of reapers) r.proc.stdin.end();
    const reaped = await Promise.all(reapers.map((r) => r.line(/^reaped /)));
    // The reapers did clear dead participants' marks and entries while the readers ran.
    expect(reaped.reduce((sum, l) => sum + Number(l.split(' ')[2]), 0)).toBeGreaterThan(0);
  }, 240_000);
});
