// DRAINING (LAYOUT.md, state machine): the producer moves a COMMITTED slot it wants to reuse to
// DRAINING and waits until its readers left; new readers back out of a DRAINING slot; on release
// the slot becomes WRITING; when the producer's acquire times out the slot is COMMITTED again.
// Only latest-only slots drain with readers inside (a sequential / sequential-sync slot is not
// reused before every reader released it), so these scenarios use latest-only blocks.
import assert from 'node:assert/strict';
import type { DataBlock } from '@plh/datablock';
import type { Scenario, ScenarioContext } from '../scenario.js';
import {
  assertBefore, createSlotBlock, parsePayload, resultFile, sharedLog, waitUntil, workerArgs,
} from './slots-common.js';

const LENGTH = 64;

interface Holder {
  slotId: number;
  index: number;
  participant: number;
  pid: number;
}
interface SlotSeen {
  state: string;
  slotId: number;
  readers: number;
}
interface DrainResult {
  outcome: string;
  slotId: number;
  index: number;
  ms?: number;
  stateAtCall: SlotSeen | null;
  after: SlotSeen | null;
}
interface HolderResult {
  slotId: number;
  intactAtAcquire: boolean;
  intactAtRelease: boolean;
}

function slotOf(block: DataBlock, index: number) {
  const slot = block.diagnose().slots[index];
  assert.ok(slot, `no slot ${index}`);
  return slot;
}

/**
 * A latest-only block of `slotCount` slots; a producer process commits `pre` slots; a reader
 * process acquires the newest one and holds it; once released the producer commits `after` more
 * and then acquires the next slot (the held one) with a bounded wait.
 */
async function setUp(ctx: ScenarioContext, label: string, o: { slotCount: number; pre: number; after: number; mode: 'sync' | 'async'; drainTimeoutMs: number }) {
  const { name, block } = createSlotBlock(ctx, label, { slotCount: o.slotCount, slotSize: LENGTH, policy: 'latest-only' });
  const log = sharedLog(ctx);
  const drained = resultFile<DrainResult>(ctx, 'producer');
  const held = resultFile<HolderResult>(ctx, 'holder');
  const producer = ctx.spawnWorker(
    'slots.drainProducer',
    workerArgs(ctx, name, { pre: o.pre, after: o.after, mode: o.mode, drainTimeoutMs: o.drainTimeoutMs, length: LENGTH, log: log.path, result: drained.path }),
    { release: true },
  );
  await producer.waitForReady({ timeoutMs: ctx.waitMs });
  const holder = ctx.spawnWorker('slots.holdReader', workerArgs(ctx, name, { length: LENGTH, log: log.path, result: held.path }), { release: true });
  const holding = parsePayload<Holder>((await holder.waitForReady({ timeoutMs: ctx.waitMs })).payload);
  assert.equal(holding.slotId, o.pre - 1, 'the holder must get the newest commit');
  return { name, block, log, drained, held, producer, holder, holding };
}

export const drainingEnteredOnWrapAround: Scenario = {
  name: 'slots.DrainingEnteredOnWrapAround',
  description: 'ring of 2: the producer wraps over a free slot without waiting, then enters DRAINING on the slot a reader holds, and waits',
  processes: 3,
  async run(ctx) {
    const { block, log, drained, held, producer, holder, holding } = await setUp(ctx, 'dew', {
      slotCount: 2, pre: 2, after: 1, mode: 'sync', drainTimeoutMs: ctx.waitMs,
    });
    assert.equal(holding.index, 1);
    producer.release();
    // Slot 2 went to index 0 (nobody held it); checkpoint 'acquiring' precedes the acquire of
    // slot 3 (index 1, held): the producer moves it to DRAINING, so wait for that state.
    await producer.waitForCheckpoint('acquiring', { timeoutMs: ctx.waitMs });
    await waitUntil(ctx, 'slot 1 DRAINING', () => slotOf(block, 1).state === 'DRAINING');
    const draining = slotOf(block, 1);
    assert.equal(draining.slotId, 1, 'the draining slot still carries the held commit');
    assert.deepEqual(draining.readers.map((r) => [r.participant, r.alive]), [[holding.participant, true]]);
    const wrapped = slotOf(block, 0);
    assert.deepEqual([wrapped.state, wrapped.slotId], ['COMMITTED', 2], 'the free slot was rewritten without draining');
    ctx.record('observed DRAINING');
    holder.release();
    await producer.waitForCheckpoint('done', { timeoutMs: ctx.waitMs });
    await Promise.all([producer.expectOk(), holder.expectOk()]);
    const result = drained.read();
    assert.equal(result.outcome, 'acquired');
    assert.equal(result.slotId, 3);
    assert.deepEqual(held.read(), { slotId: 1, intactAtAcquire: true, intactAtRelease: true }, 'a held slot must not be rewritten');
    const lines = log.lines();
    assertBefore(lines, 'producer: committed 2', 'producer: acquiring 3');
    assertBefore(lines, 'reader: releasing 1', 'producer: acquired 3');
    assert.deepEqual([slotOf(block, 1).state, slotOf(block, 1).slotId], ['COMMITTED', 3]);
  },
};

export const drainingRejectsNewReaders: Scenario = {
  name: 'slots.DrainingRejectsNewReaders',
  description: 'while a slot drains, a new reader is refused it (its try returns null although the old commit is still there) and gets the next commit instead',
  processes: 4,
  async run(ctx) {
    const { name, block, log, drained, held, producer, holder, holding } = await setUp(ctx, 'drn', {
      slotCount: 1, pre: 1, after: 0, mode: 'async', drainTimeoutMs: ctx.waitMs,
    });
    producer.release();
    // The async acquire made its first attempt (COMMITTED -> DRAINING) before the checkpoint.
    await producer.waitForCheckpoint('draining', { timeoutMs: ctx.waitMs });
    const draining = slotOf(block, 0);
    assert.deepEqual([draining.state, draining.slotId], ['DRAINING', 0]);
    assert.deepEqual(draining.readers.map((r) => r.participant), [holding.participant]);
    const late = resultFile<{ slotId: number; intact: boolean }>(ctx, 'late');
    const reader = ctx.spawnWorker('slots.refusedReader', workerArgs(ctx, name, { length: LENGTH, index: 0, log: log.path, result: late.path }));
    const refused = parsePayload<{ tryResult: number | null; seen: SlotSeen }>((await reader.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    assert.equal(refused.tryResult, null, 'a new reader must be refused a DRAINING slot');
    assert.deepEqual(refused.seen, { state: 'DRAINING', slotId: 0, readers: 1 });
    await reader.waitForCheckpoint('waiting', { timeoutMs: ctx.waitMs });
    holder.release();
    await Promise.all([producer.expectOk(), holder.expectOk(), reader.expectOk()]);
    assert.deepEqual(late.read(), { slotId: 1, intact: true }, 'the refused reader must get the next commit, never the drained one');
    assert.equal(drained.read().stateAtCall?.state, 'DRAINING');
    assert.equal(held.read().intactAtRelease, true);
    const lines = log.lines();
    assertBefore(lines, 'reader: releasing 0', 'producer: acquired 1');
    // Logged before the commit that wakes the new reader.
    assertBefore(lines, 'producer: acquired 1', 'reader2: got 1');
  },
};

export const drainingResolvesOnRelease: Scenario = {
  name: 'slots.DrainingResolvesOnRelease',
  description: 'a producer draining a held slot acquires it exactly when the reader releases it, and the slot is rewritten',
  processes: 3,
  async run(ctx) {
    const { block, log, drained, producer, holder } = await setUp(ctx, 'drr', {
      slotCount: 1, pre: 1, after: 0, mode: 'sync', drainTimeoutMs: ctx.waitMs,
    });
    producer.release();
    await producer.waitForCheckpoint('acquiring', { timeoutMs: ctx.waitMs });
    await waitUntil(ctx, 'slot 0 DRAINING', () => slotOf(block, 0).state === 'DRAINING');
    assert.ok(!log.lines().includes('producer: acquired 1'), 'the producer acquired a slot a reader holds');
    holder.release();
    await producer.waitForCheckpoint('done', { timeoutMs: ctx.waitMs });
    await Promise.all([producer.expectOk(), holder.expectOk()]);
    assert.deepEqual(log.lines(), [
      'producer: committed 0',
      'reader: holding 0',
      'producer: acquiring 1',
      'reader: releasing 0',
      'producer: acquired 1',
      'producer: committed 1',
    ]);
    const result = drained.read();
    assert.equal(result.outcome, 'acquired');
    assert.deepEqual(result.after, { state: 'COMMITTED', slotId: 1, readers: 0 });
  },
};

export const drainingTimeoutRestoresCommitted: Scenario = {
  name: 'slots.DrainingTimeoutRestoresCommitted',
  description: 'a bounded acquire on a held slot throws ERR_DATABLOCK_TIMEOUT after its timeout and puts the slot back to COMMITTED, readable again',
  processes: 4,
  async run(ctx) {
    const drainTimeoutMs = 200;
    const { name, block, log, drained, held, producer, holder, holding } = await setUp(ctx, 'dtr', {
      slotCount: 1, pre: 1, after: 0, mode: 'async', drainTimeoutMs,
    });
    producer.release();
    await producer.waitForCheckpoint('done', { timeoutMs: ctx.waitMs });
    await producer.expectOk();
    const result = drained.read();
    assert.deepEqual(result.stateAtCall, { state: 'DRAINING', slotId: 0, readers: 1 }, 'the acquire must have entered DRAINING');
    assert.equal(result.outcome, 'ERR_DATABLOCK_TIMEOUT');
    // Lower bound only (with a margin for timer granularity): a bounded wait really waited.
    assert.ok((result.ms ?? 0) >= drainTimeoutMs - 10, `the acquire gave up after ${result.ms} ms`);
    assert.deepEqual(result.after, { state: 'COMMITTED', slotId: 0, readers: 1 }, 'the slot must be COMMITTED again');
    const slot = slotOf(block, 0);
    assert.deepEqual([slot.state, slot.slotId], ['COMMITTED', 0]);
    assert.deepEqual(slot.readers.map((r) => r.participant), [holding.participant]);
    // The old commit is readable again: a new reader gets it.
    const reader = ctx.spawnWorker('slots.readOnce', workerArgs(ctx, name, { length: LENGTH }));
    const read = parsePayload<{ slotId: number; intact: boolean }>((await reader.waitForReady({ timeoutMs: ctx.waitMs })).payload);
    assert.deepEqual(read, { slotId: 0, intact: true });
    await reader.expectOk();
    holder.release();
    await holder.expectOk();
    assert.deepEqual(held.read(), { slotId: 0, intactAtAcquire: true, intactAtRelease: true });
    assert.ok(!log.lines().some((l) => l.startsWith('producer: acquired')), 'the timed-out acquire must not have taken the slot');
  },
};

export const slotDrainingScenarios: readonly Scenario[] = [
  drainingEnteredOnWrapAround,
  drainingRejectsNewReaders,
  drainingResolvesOnRelease,
  drainingTimeoutRestoresCommitted,
];
