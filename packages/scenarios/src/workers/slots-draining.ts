// Worker sides of the DRAINING scenarios (latest-only blocks): a reader that holds a slot until
// released, a producer whose acquire wraps onto that slot, a reader that arrives while the slot
// drains, and a one-shot reader.
import { performance } from 'node:perf_hooks';
import type { DataBlock, WriteSlot } from '@plh/datablock';
import { signalCheckpoint, signalTestReady, waitForRelease } from '@plh/worker-process/worker';
import { attach, codeOf, fillPayload, logLine, parseSpec, payloadMatches, writeResult } from './slots-common.js';

function slotState(block: DataBlock, index: number) {
  const slot = block.diagnose().slots[index];
  return slot === undefined ? null : { state: slot.state, slotId: slot.slotId, readers: slot.readers.length };
}

/**
 * spec: { length, result? }. Acquires one slot, logs `reader: holding <id>`, signals ready with
 * { slotId, index, participant, pid }, holds it until released, then checks the payload is still
 * the one it acquired, logs `reader: releasing <id>` and releases.
 */
export async function holdReader(args: string[]): Promise<void> {
  const spec = parseSpec('slots.holdReader', args);
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const consumer = block.consumer();
    const slot = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    const intactAtAcquire = payloadMatches(slot.data, slot.slotId, length);
    logLine(spec, `reader: holding ${slot.slotId}`);
    signalTestReady(
      JSON.stringify({ slotId: slot.slotId, index: slot.index, participant: consumer.participantIndex, pid: process.pid }),
    );
    await waitForRelease({ timeoutMs: spec.waitMs });
    const intactAtRelease = payloadMatches(slot.data, slot.slotId, length);
    logLine(spec, `reader: releasing ${slot.slotId}`);
    slot.release();
    consumer.close();
    if (spec.result) writeResult(spec, { slotId: slot.slotId, intactAtAcquire, intactAtRelease });
  } finally {
    block.close();
  }
}

/**
 * spec: { pre, after, mode: 'sync' | 'async', drainTimeoutMs, length, result }. Commits `pre`
 * slots, signals ready, waits for a release, commits `after` more, then acquires the next slot
 * with a bounded wait. sync: checkpoint 'acquiring' just before the blocking acquire. async: the
 * acquire's first attempt runs before the call returns (the slot is DRAINING from then on), so
 * the slot state is read right after the call and checkpoint 'draining' follows. On success it
 * commits; on failure it reports the code, the time waited and the slot state afterwards.
 */
export async function drainProducer(args: string[]): Promise<void> {
  const spec = parseSpec('slots.drainProducer', args);
  const length = spec.length as number;
  const timeoutMs = spec.drainTimeoutMs as number;
  const block = attach(spec);
  try {
    const producer = block.producer();
    const commit = (slot: WriteSlot) => {
      fillPayload(slot.data, slot.slotId, length);
      slot.commit(length);
      logLine(spec, `producer: committed ${slot.slotId}`);
    };
    for (let i = 0; i < (spec.pre as number); i++) commit(producer.acquireWriteSlot({ timeoutMs: spec.waitMs }));
    signalTestReady(`committed-${spec.pre as number}`, { keepOpen: true });
    await waitForRelease({ timeoutMs: spec.waitMs });
    for (let i = 0; i < (spec.after as number); i++) commit(producer.acquireWriteSlot({ timeoutMs: spec.waitMs }));
    const slotId = producer.nextSlotId;
    const index = slotId % block.layout.slotCount;
    let stateAtCall: ReturnType<typeof slotState> = null;
    const started = performance.now();
    let slot: WriteSlot;
    logLine(spec, `producer: acquiring ${slotId}`);
    try {
      if (spec.mode === 'async') {
        const pending = producer.acquireWriteSlotAsync({ timeoutMs });
        stateAtCall = slotState(block, index);
        signalCheckpoint('draining');
        slot = await pending;
      } else {
        signalCheckpoint('acquiring');
        slot = producer.acquireWriteSlot({ timeoutMs });
      }
    } catch (err) {
      const ms = performance.now() - started;
      writeResult(spec, { outcome: codeOf(err), slotId, index, ms, stateAtCall, after: slotState(block, index) });
      producer.close();
      signalCheckpoint('done', { last: true });
      return;
    }
    logLine(spec, `producer: acquired ${slot.slotId}`);
    commit(slot);
    writeResult(spec, { outcome: 'acquired', slotId: slot.slotId, index: slot.index, stateAtCall, after: slotState(block, index) });
    producer.close();
    signalCheckpoint('done', { last: true });
  } finally {
    block.close();
  }
}

/**
 * spec: { length, index, result }. Arrives while slot `index` drains: one non-blocking attempt
 * (reported with the slot state it saw) in the ready payload, then checkpoint 'waiting' and a
 * blocking acquire whose slot goes to the result.
 */
export function refusedReader(args: string[]): void {
  const spec = parseSpec('slots.refusedReader', args);
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const consumer = block.consumer();
    const tried = consumer.tryAcquireConsumeSlot();
    const tryResult = tried === null ? null : tried.slotId;
    tried?.release();
    const seen = slotState(block, spec.index as number);
    signalTestReady(JSON.stringify({ tryResult, seen }), { keepOpen: true });
    signalCheckpoint('waiting', { last: true });
    const slot = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    logLine(spec, `reader2: got ${slot.slotId}`);
    writeResult(spec, { slotId: slot.slotId, intact: payloadMatches(slot.data, slot.slotId, length) });
    slot.release();
    consumer.close();
  } finally {
    block.close();
  }
}

/** spec: { length }. Acquires one slot and reports { slotId, intact } in the ready payload. */
export function readOnce(args: string[]): void {
  const spec = parseSpec('slots.readOnce', args);
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const consumer = block.consumer();
    const slot = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    const report = { slotId: slot.slotId, intact: payloadMatches(slot.data, slot.slotId, length) };
    slot.release();
    consumer.close();
    signalTestReady(JSON.stringify(report));
  } finally {
    block.close();
  }
}
