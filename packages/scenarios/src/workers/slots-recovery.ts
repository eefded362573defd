// Worker sides of the slot recovery scenarios: participants that die abruptly while holding a
// slot (no cleanup at all), and the processes that diagnose and recover after them, or are
// refused while the owner lives.
import { signalCheckpoint, signalTestReady, waitForRelease, exitAbruptly } from '@plh/worker-process/worker';
import type { DataBlock } from '@plh/datablock';
import { attach, fillPayload, parseSpec, thrownCode } from './slots-common.js';

function slotSummary(block: DataBlock) {
  return block.diagnose().slots.map((s) => ({
    index: s.index,
    state: s.state,
    slotId: s.slotId,
    writer: s.writer,
    readers: s.readers,
  }));
}

/**
 * spec: { length }. Becomes the producer, acquires a slot, writes only the first half of its
 * payload, signals ready with { index, slotId, pid } and dies at once (no commit, no close).
 */
export function zombieWriter(args: string[]): void {
  const spec = parseSpec('slots.zombieWriter', args);
  const block = attach(spec);
  const producer = block.producer();
  const slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
  slot.data.fill(0xee, 0, (spec.length as number) >> 1);
  signalTestReady(JSON.stringify({ index: slot.index, slotId: slot.slotId, pid: process.pid }));
  exitAbruptly(0);
}

/**
 * spec: { index, length }. On the same segment: reads the slot state, forceReclaimSlot(index),
 * reads it again, then becomes the producer and commits one payload derived from its slotId.
 * Ready payload: { before, reclaim, after, committed }.
 */
export function reclaimer(args: string[]): void {
  const spec = parseSpec('slots.reclaimer', args);
  const index = spec.index as number;
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const before = slotSummary(block)[index];
    const reclaim = block.forceReclaimSlot(index);
    const after = slotSummary(block)[index];
    const producer = block.producer();
    const slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
    const committed = { slotId: slot.slotId, index: slot.index };
    fillPayload(slot.data, slot.slotId, length);
    slot.commit(length);
    producer.close();
    signalTestReady(JSON.stringify({ before, reclaim, after, committed }));
  } finally {
    block.close();
  }
}

/**
 * spec: { length }. Commits one slot, signals ready; once released acquires the next slot, writes
 * it and reports checkpoint 'writing' (the slot stays WRITING by this live process); once
 * released again commits it and reports checkpoint `committed-<slotId>`.
 */
export async function holdingWriter(args: string[]): Promise<void> {
  const spec = parseSpec('slots.holdingWriter', args);
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const producer = block.producer();
    const first = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
    fillPayload(first.data, first.slotId, length);
    first.commit(length);
    signalTestReady(String(producer.participantIndex), { keepOpen: true });
    await waitForRelease({ timeoutMs: spec.waitMs });
    const slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
    fillPayload(slot.data, slot.slotId, length);
    signalCheckpoint('writing');
    await waitForRelease({ timeoutMs: spec.waitMs });
    slot.commit(length);
    producer.close();
    signalCheckpoint(`committed-${slot.slotId}`, { last: true });
  } finally {
    block.close();
  }
}

/**
 * spec: { writingIndex, heldIndex, reader }. While a live writer holds `writingIndex` WRITING
 * and a live reader (participant `reader`) holds `heldIndex`: tries every recovery call and
 * reports what each did, with the slot states before and after.
 */
export function recoverer(args: string[]): void {
  const spec = parseSpec('slots.recoverer', args);
  const block = attach(spec);
  try {
    const before = slotSummary(block);
    const reclaimWriting = thrownCode(() => block.forceReclaimSlot(spec.writingIndex as number));
    const reclaimHeld = block.forceReclaimSlot(spec.heldIndex as number);
    const zombies = block.releaseZombieReaders();
    const namedReader = thrownCode(() => block.releaseZombieReaders({ participants: [spec.reader as number] }));
    const cleanup = block.cleanupDeadConsumers();
    const namedCleanup = thrownCode(() => block.cleanupDeadConsumers({ participants: [spec.reader as number] }));
    const after = slotSummary(block);
    signalTestReady(
      JSON.stringify({ before, after, reclaimWriting, reclaimHeld, zombies, namedReader, cleanup, namedCleanup }),
    );
  } finally {
    block.close();
  }
}

/**
 * spec: { acquire }. Registers a consumer; with acquire, takes one slot. Signals ready with
 * { participant, pid, slotId?, index? } and dies at once (no release, no close).
 */
export function zombieReader(args: string[]): void {
  const spec = parseSpec('slots.zombieReader', args);
  const block = attach(spec);
  const consumer = block.consumer();
  const report: Record<string, number> = { participant: consumer.participantIndex, pid: process.pid };
  if (spec.acquire === true) {
    const slot = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    report.slotId = slot.slotId;
    report.index = slot.index;
  }
  signalTestReady(JSON.stringify(report));
  exitAbruptly(0);
}

/** Calls releaseZombieReaders(); ready payload: { before, released, after } (slot reader marks). */
export function zombieReleaser(args: string[]): void {
  const spec = parseSpec('slots.zombieReleaser', args);
  const block = attach(spec);
  try {
    const before = slotSummary(block);
    const { released } = block.releaseZombieReaders();
    const after = slotSummary(block);
    signalTestReady(JSON.stringify({ before, released, after }));
  } finally {
    block.close();
  }
}
