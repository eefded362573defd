import assert from 'node:assert/strict';
import type { Scenario } from '../scenario.js';
import {
  assertWholeStream, createSlotBlock, parsePayload, resultFile, workerArgs, type StreamResult,
} from './slots-common.js';

interface LatestReport {
  first: { slotId: number; intact: boolean };
  tryAfterFirst: number | null;
}

export const latestOnlyPolicy: Scenario = {
  name: 'slots.LatestOnlyPolicy',
  description: 'latest-only: a consumer arriving after 3 commits gets the third (the first two are skipped), nothing more until the next commit, then that one',
  processes: 3,
  async run(ctx) {
    const length = 64;
    const { name } = createSlotBlock(ctx, 'lop', { slotCount: 4, slotSize: length, policy: 'latest-only' });
    const producer = ctx.spawnWorker('slots.phasedProducer', workerArgs(ctx, name, { phases: [3, 1], length }), { release: true });
    assert.equal((await producer.waitForReady({ timeoutMs: ctx.waitMs })).payload, 'committed-3');
    const result = resultFile<{ slotId: number; intact: boolean }>(ctx, 'consumer');
    const consumer = ctx.spawnWorker('slots.latestConsumer', workerArgs(ctx, name, { length, result: result.path }));
    const report = parsePayload<LatestReport>((await consumer.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    // slotIds start at 0: the third commit is slotId 2.
    assert.deepEqual(report.first, { slotId: 2, intact: true }, 'the first acquire must return the newest (third) commit');
    assert.equal(report.tryAfterFirst, null, 'tryAcquire must return null when nothing newer is committed');
    await consumer.waitForCheckpoint('waiting', { timeoutMs: ctx.waitMs });
    producer.release();
    await producer.waitForCheckpoint('committed-4', { timeoutMs: ctx.waitMs });
    await Promise.all([producer.expectOk(), consumer.expectOk()]);
    assert.deepEqual(result.read(), { slotId: 3, intact: true }, 'the consumer must get the fourth commit');
  },
};

export const sequentialPolicy: Scenario = {
  name: 'slots.SequentialPolicy',
  description: 'sequential, ring of 4, 12 slots: the producer finds the ring full at slot 4 and waits; a consumer reads every slot 0..11 in order',
  processes: 3,
  async run(ctx) {
    const count = 12;
    const length = 64;
    const { name, block } = createSlotBlock(ctx, 'sqp', { slotCount: 4, slotSize: length, policy: 'sequential' });
    const produced = resultFile<{ fullAt: number[] }>(ctx, 'producer');
    const consumed = resultFile<StreamResult>(ctx, 'consumer');
    const producer = ctx.spawnWorker('slots.fillThenBlockProducer', workerArgs(ctx, name, { count, length, result: produced.path }));
    await producer.waitForReady({ timeoutMs: ctx.waitMs });
    // No consumer exists yet: tryAcquireWriteSlot returned null at slot 4, the producer now waits.
    await producer.waitForCheckpoint('full-at-4', { timeoutMs: ctx.waitMs });
    const diagnosis = block.diagnose();
    assert.equal(diagnosis.nextSlotId, 4);
    assert.deepEqual(diagnosis.slots.map((s) => `${s.state}:${s.slotId}:${s.pending}`), [
      'COMMITTED:0:true', 'COMMITTED:1:true', 'COMMITTED:2:true', 'COMMITTED:3:true',
    ]);
    const consumer = ctx.spawnWorker('slots.streamConsumer', workerArgs(ctx, name, { length, mode: 'every', result: consumed.path }));
    await Promise.all([producer.expectOk(), consumer.expectOk()]);
    assert.equal(produced.read().fullAt[0], 4);
    assertWholeStream('consumer', consumed.read(), count, length);
  },
};

export const sequentialSyncPolicy: Scenario = {
  name: 'slots.SequentialSyncPolicy',
  description: 'sequential-sync: 8 consumer processes register, then 16 slots are committed through a ring of 4; the producer waits for the slowest; all 8 get all 16 in order',
  processes: 10,
  async run(ctx) {
    const count = 16;
    const length = 64;
    const readers = 8;
    const { name, block } = createSlotBlock(ctx, 'ssp', { slotCount: 4, slotSize: length, policy: 'sequential-sync' });
    const results = Array.from({ length: readers }, (_, i) => resultFile<StreamResult>(ctx, `consumer-${i}`));
    // The last consumer is the slowest: it consumes nothing until the parent releases it.
    const consumers = results.map((r, i) =>
      ctx.spawnWorker(
        'slots.streamConsumer',
        workerArgs(ctx, name, { length, mode: 'every', result: r.path, waitRelease: i === readers - 1 }),
        { release: true },
      ),
    );
    const participants = await Promise.all(consumers.map(async (c) => Number((await c.waitForReady({ timeoutMs: ctx.waitMs })).payload)));
    const slowest = participants[readers - 1];
    const produced = resultFile<{ fullAt: number[] }>(ctx, 'producer');
    const producer = ctx.spawnWorker(
      'slots.fillThenBlockProducer',
      workerArgs(ctx, name, { count, length, waitRelease: true, result: produced.path }),
      { release: true },
    );
    await producer.waitForReady({ timeoutMs: ctx.waitMs });
    assert.equal(block.diagnose().consumers.filter((c) => c.syncActive).length, readers, 'every consumer is registered before the first commit');
    producer.release();
    await producer.waitForCheckpoint('full-at-4', { timeoutMs: ctx.waitMs });
    // The ring is full because the slowest reader has not consumed slot 0 (the others may have).
    const slot0 = block.diagnose().slots[0];
    assert.ok(slot0?.pendingReaders.some((r) => r.participant === slowest), 'slot 0 must wait for the slowest reader');
    (consumers[readers - 1] as (typeof consumers)[number]).release();
    await Promise.all([producer.expectOk(), ...consumers.map((c) => c.expectOk())]);
    assert.equal(produced.read().fullAt[0], 4);
    for (const [i, r] of results.entries()) assertWholeStream(`consumer ${i}`, r.read(), count, length);
  },
};

export const slotPolicyScenarios: readonly Scenario[] = [latestOnlyPolicy, sequentialPolicy, sequentialSyncPolicy];
