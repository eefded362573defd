import assert from 'node:assert/strict';
import type { OwnerInfo } from '@plh/datablock';
import type { Scenario } from '../scenario.js';
import { payloadMatches } from '../workers/slots-common.js';
import {
  assertWholeStream, createSlotBlock, parsePayload, resultFile, workerArgs, type StreamResult,
} from './slots-common.js';

const LENGTH = 64;

interface SlotSummary {
  index: number;
  state: string;
  slotId: number;
  writer: OwnerInfo | null;
  readers: OwnerInfo[];
}
interface Zombie {
  participant: number;
  pid: number;
  slotId?: number;
  index?: number;
}

export const zombieWriterRecovery: Scenario = {
  name: 'slots.ZombieWriterRecovery',
  description: 'a producer dies mid-write; on the same segment another process sees the slot WRITING by a dead writer, forceReclaimSlot frees it, and its own commit reaches the consumer',
  processes: 3,
  async run(ctx) {
    const { name, block } = createSlotBlock(ctx, 'zwr', { slotCount: 4, slotSize: LENGTH, policy: 'sequential', checksum: 'crc32c' });
    const consumer = block.consumer();
    const zombie = ctx.spawnWorker('slots.zombieWriter', workerArgs(ctx, name, { length: LENGTH }));
    const partial = parsePayload<{ index: number; slotId: number; pid: number }>((await zombie.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    const exit = await zombie.waitForExit({ timeoutMs: ctx.waitMs });
    assert.equal(exit.timedOut, false);
    assert.equal(consumer.tryAcquireConsumeSlot(), null, 'a half-written slot must not be delivered');
    const reclaimer = ctx.spawnWorker('slots.reclaimer', workerArgs(ctx, name, { index: partial.index, length: LENGTH }));
    const report = parsePayload<{
      before: SlotSummary;
      reclaim: { index: number; action: string; previousState: string; owner: OwnerInfo | null };
      after: SlotSummary;
      committed: { slotId: number; index: number };
    }>((await reclaimer.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    await reclaimer.expectOk();
    assert.equal(report.before.state, 'WRITING', 'the reclaimer must find the slot WRITING');
    assert.equal(report.before.writer?.pid, partial.pid, 'by the zombie');
    assert.equal(report.before.writer?.alive, false, 'whose writer is dead');
    assert.equal(report.reclaim.action, 'freed', 'forceReclaimSlot must free the dead writer\'s slot');
    assert.equal(report.reclaim.previousState, 'WRITING');
    assert.deepEqual([report.reclaim.owner?.pid, report.reclaim.owner?.alive], [partial.pid, false]);
    assert.equal(report.after.state, 'FREE');
    // The parent's handle of the same segment receives the reclaimer's commit.
    const slot = consumer.acquireConsumeSlot({ timeoutMs: ctx.waitMs });
    try {
      assert.deepEqual([slot.slotId, slot.index], [report.committed.slotId, report.committed.index]);
      assert.equal(slot.index, partial.index, 'the reclaimed slot was reused');
      assert.ok(payloadMatches(slot.data, slot.slotId, LENGTH), 'the payload is the reclaimer\'s, whole');
      assert.equal(slot.checksumOk, true);
    } finally {
      slot.release();
    }
  },
};

export const recoveryRefusedWhileOwnerAlive: Scenario = {
  name: 'slots.RecoveryRefusedWhileOwnerAlive',
  description: 'while a writer and a reader are alive, forceReclaimSlot throws ERR_DATABLOCK_OWNER_ALIVE and releaseZombieReaders / cleanupDeadConsumers touch nothing; the writer then commits normally',
  processes: 5,
  async run(ctx) {
    const { name } = createSlotBlock(ctx, 'rra', { slotCount: 2, slotSize: LENGTH, policy: 'latest-only' });
    const writer = ctx.spawnWorker('slots.holdingWriter', workerArgs(ctx, name, { length: LENGTH }), { release: true });
    await writer.waitForReady({ timeoutMs: ctx.waitMs });
    const reader = ctx.spawnWorker('slots.holdReader', workerArgs(ctx, name, { length: LENGTH }), { release: true });
    const held = parsePayload<{ slotId: number; index: number; participant: number }>((await reader.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    writer.release();
    await writer.waitForCheckpoint('writing', { timeoutMs: ctx.waitMs });
    const writingIndex = 1 - held.index;
    const recoverer = ctx.spawnWorker('slots.recoverer', workerArgs(ctx, name, { writingIndex, heldIndex: held.index, reader: held.participant }));
    const report = parsePayload<{
      before: SlotSummary[];
      after: SlotSummary[];
      reclaimWriting: string;
      reclaimHeld: { action: string };
      zombies: { released: unknown[] };
      namedReader: string;
      cleanup: { removed: unknown[] };
      namedCleanup: string;
    }>((await recoverer.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    await recoverer.expectOk();
    assert.equal(report.before[writingIndex]?.state, 'WRITING');
    assert.equal(report.before[writingIndex]?.writer?.alive, true);
    assert.deepEqual(report.before[held.index]?.readers.map((r) => [r.participant, r.alive]), [[held.participant, true]]);
    assert.equal(report.reclaimWriting, 'ERR_DATABLOCK_OWNER_ALIVE', 'reclaiming a live writer\'s slot must be refused');
    assert.equal(report.reclaimHeld.action, 'none', 'a COMMITTED slot held by a live reader has nothing to reclaim');
    assert.deepEqual(report.zombies.released, [], 'releaseZombieReaders must not release a live reader');
    assert.equal(report.namedReader, 'ERR_DATABLOCK_OWNER_ALIVE');
    assert.deepEqual(report.cleanup.removed, [], 'cleanupDeadConsumers must not drop a live participant');
    assert.equal(report.namedCleanup, 'ERR_DATABLOCK_OWNER_ALIVE');
    assert.deepEqual(report.after, report.before, 'the refused recovery calls must leave every slot as it was');
    writer.release();
    await writer.waitForCheckpoint(`committed-1`, { timeoutMs: ctx.waitMs });
    reader.release();
    await Promise.all([writer.expectOk(), reader.expectOk()]);
    const next = ctx.spawnWorker('slots.readOnce', workerArgs(ctx, name, { length: LENGTH }));
    const read = parsePayload<{ slotId: number; intact: boolean }>((await next.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    assert.deepEqual(read, { slotId: 1, intact: true }, 'the writer\'s commit must be delivered whole');
    await next.expectOk();
  },
};

export const zombieReadersReleased: Scenario = {
  name: 'slots.ZombieReadersReleased',
  description: 'latest-only: two reader processes die holding slots; releaseZombieReaders in a third process names both and leaves no reader mark',
  processes: 4,
  async run(ctx) {
    const { name, block } = createSlotBlock(ctx, 'zrr', { slotCount: 4, slotSize: LENGTH, policy: 'latest-only' });
    const producer = block.producer();
    ctx.onCleanup(() => producer.close());
    const zombies: Zombie[] = [];
    for (let i = 0; i < 2; i++) {
      const slot = producer.acquireWriteSlot({ timeoutMs: ctx.waitMs });
      slot.data.fill(i + 1, 0, LENGTH);
      slot.commit(LENGTH);
      const reader = ctx.spawnWorker('slots.zombieReader', workerArgs(ctx, name, { acquire: true }));
      zombies.push(parsePayload<Zombie>((await reader.waitForReady({ timeoutMs: ctx.waitMs })).payload));
      assert.equal((await reader.waitForExit({ timeoutMs: ctx.waitMs })).timedOut, false);
    }
    assert.deepEqual(zombies.map((z) => z.slotId), [0, 1], 'each zombie held the newest commit');
    const releaser = ctx.spawnWorker('slots.zombieReleaser', workerArgs(ctx, name));
    const report = parsePayload<{
      before: SlotSummary[];
      released: Array<OwnerInfo & { readerMarks: number }>;
      after: SlotSummary[];
    }>((await releaser.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    await releaser.expectOk();
    for (const z of zombies) {
      assert.deepEqual(
        report.before[z.index as number]?.readers.map((r) => [r.participant, r.pid, r.alive]),
        [[z.participant, z.pid, false]],
        `slot ${z.index} must show its dead reader before the release`,
      );
    }
    const released = [...report.released].sort((a, b) => a.participant - b.participant);
    const expected = zombies
      .map((z) => ({ participant: z.participant, pid: z.pid, alive: false, readerMarks: 1 }))
      .sort((a, b) => a.participant - b.participant);
    assert.deepEqual(released, expected, 'releaseZombieReaders must name exactly both dead readers');
    assert.ok(report.after.every((s) => s.readers.length === 0), 'no reader mark may be left');
    assert.ok(block.diagnose().slots.every((s) => s.readers.length === 0), 'the parent sees no reader mark either');
  },
};

export const deadConsumerCleanup: Scenario = {
  name: 'slots.DeadConsumerCleanup',
  description: 'sequential-sync with 3 consumer processes, one dies: cleanupDeadConsumers removes exactly it; the other two receive every slot of a stream 3x the ring, in order',
  processes: 5,
  async run(ctx) {
    const count = 12;
    const { name, block } = createSlotBlock(ctx, 'dcc', { slotCount: 4, slotSize: LENGTH, policy: 'sequential-sync' });
    const results = [resultFile<StreamResult>(ctx, 'consumer-0'), resultFile<StreamResult>(ctx, 'consumer-1')];
    const live = results.map((r) => ctx.spawnWorker('slots.streamConsumer', workerArgs(ctx, name, { length: LENGTH, mode: 'every', result: r.path })));
    const liveParticipants = await Promise.all(live.map(async (c) => Number((await c.waitForReady({ timeoutMs: ctx.waitMs })).payload)));
    const dying = ctx.spawnWorker('slots.zombieReader', workerArgs(ctx, name, { acquire: false }));
    const dead = parsePayload<Zombie>((await dying.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    assert.equal((await dying.waitForExit({ timeoutMs: ctx.waitMs })).timedOut, false);
    const before = block.diagnose().consumers.find((c) => c.participant === dead.participant);
    assert.deepEqual([before?.alive, before?.syncActive], [false, true], 'the dead consumer is still registered before the cleanup');
    const { removed } = block.cleanupDeadConsumers();
    assert.deepEqual(removed, [{ participant: dead.participant, pid: dead.pid, alive: false, role: 'consumer' }], 'exactly the dead consumer must be removed');
    const consumers = block.diagnose().consumers;
    assert.deepEqual(consumers.map((c) => c.participant).sort((a, b) => a - b), [...liveParticipants].sort((a, b) => a - b));
    assert.ok(consumers.every((c) => c.alive && c.syncActive));
    const producer = ctx.spawnWorker('slots.streamProducer', workerArgs(ctx, name, { count, length: LENGTH }));
    await Promise.all([producer.expectOk(), ...live.map((c) => c.expectOk())]);
    for (const [i, r] of results.entries()) assertWholeStream(`consumer ${i}`, r.read(), count, LENGTH);
  },
};

export const readerDiesHoldingSlot: Scenario = {
  name: 'slots.ReaderDiesHoldingSlot',
  description: 'latest-only ring of 2: a reader dies holding a slot; the producer wraps onto it and recovers by itself (no recovery call); a new consumer receives its next commits',
  processes: 4,
  async run(ctx) {
    const { name, block } = createSlotBlock(ctx, 'rdh', { slotCount: 2, slotSize: LENGTH, policy: 'latest-only' });
    const producer = ctx.spawnWorker('slots.phasedProducer', workerArgs(ctx, name, { phases: [1, 5, 1], length: LENGTH }), { release: true });
    assert.equal((await producer.waitForReady({ timeoutMs: ctx.waitMs })).payload, 'committed-1');
    const dying = ctx.spawnWorker('slots.zombieReader', workerArgs(ctx, name, { acquire: true }));
    const dead = parsePayload<Zombie>((await dying.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    assert.equal((await dying.waitForExit({ timeoutMs: ctx.waitMs })).timedOut, false);
    assert.deepEqual([dead.slotId, dead.index], [0, 0]);
    const marked = block.diagnose().slots[0]?.readers.map((r) => [r.participant, r.alive]);
    assert.deepEqual(marked, [[dead.participant, false]], 'the dead reader still marks slot 0');
    // Commits 1..5: slotIds 2 and 4 go to index 0, the slot the dead reader marks.
    producer.release();
    await producer.waitForCheckpoint('committed-6', { timeoutMs: ctx.waitMs });
    const after = block.diagnose();
    assert.equal(after.nextSlotId, 6);
    assert.ok(after.slots.every((s) => s.readers.length === 0), 'the producer must have cleared the dead reader\'s mark');
    const result = resultFile<{ slotId: number; intact: boolean }>(ctx, 'consumer');
    const consumer = ctx.spawnWorker('slots.latestConsumer', workerArgs(ctx, name, { length: LENGTH, result: result.path }));
    const first = parsePayload<{ first: { slotId: number; intact: boolean }; tryAfterFirst: number | null }>(
      (await consumer.waitForReady({ timeoutMs: ctx.waitMs })).payload,
    );
    assert.deepEqual(first.first, { slotId: 5, intact: true });
    await consumer.waitForCheckpoint('waiting', { timeoutMs: ctx.waitMs });
    producer.release();
    await Promise.all([producer.expectOk(), consumer.expectOk()]);
    assert.deepEqual(result.read(), { slotId: 6, intact: true });
  },
};

export const slotRecoveryScenarios: readonly Scenario[] = [
  zombieWriterRecovery,
  recoveryRefusedWhileOwnerAlive,
  zombieReadersReleased,
  deadConsumerCleanup,
  readerDiesHoldingSlot,
];
