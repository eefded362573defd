// Worker sides of the slot exchange and load scenarios: a writer and reader of one payload, a
// stream producer and consumer that verify every byte, and a producer that fills the ring and
// reports the moment it is about to block.
import { DataBlock, isDataBlockError } from '@plh/datablock';
import { signalCheckpoint, signalTestReady, waitForRelease } from '@plh/worker-process/worker';
import {
  attach, codeOf, digestStep, fillPayload, logLine, parseSpec, payloadMatches, writeResult,
} from './slots-common.js';

/** Creates the block, commits {0xCAFEBABE u32 LE, 0xDEAD u16 LE}, signals ready, exits once released. */
export async function exchangeWriter(args: string[]): Promise<void> {
  const spec = parseSpec('slots.exchangeWriter', args);
  const block = DataBlock.create(spec.name, { slotCount: 2, slotSize: 64, policy: 'sequential' });
  try {
    const producer = block.producer();
    const slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
    const view = new DataView(slot.data.buffer, slot.data.byteOffset, 6);
    view.setUint32(0, 0xcafebabe, true);
    view.setUint16(4, 0xdead, true);
    slot.commit(6);
    logLine(spec, 'writer: committed');
    signalTestReady('committed');
    await waitForRelease({ timeoutMs: spec.waitMs });
    logLine(spec, 'writer: released');
    producer.close();
  } finally {
    block.close();
  }
}

/** Attaches, consumes the one slot, verifies both values, reports 'verified' (or what it saw). */
export function exchangeReader(args: string[]): void {
  const spec = parseSpec('slots.exchangeReader', args);
  const block = DataBlock.attach(spec.name, { timeoutMs: spec.waitMs, expect: { slotSize: 64, policy: 'sequential' } });
  try {
    const consumer = block.consumer();
    const slot = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    const view = new DataView(slot.data.buffer, slot.data.byteOffset, slot.length);
    const seen = slot.length === 6 ? { magic: view.getUint32(0, true), tag: view.getUint16(4, true) } : null;
    slot.release();
    consumer.close();
    const ok = seen !== null && seen.magic === 0xcafebabe && seen.tag === 0xdead;
    logLine(spec, `reader: ${ok ? 'verified' : 'mismatch'}`);
    signalTestReady(ok ? 'verified' : `mismatch: length ${slot.length} ${JSON.stringify(seen)}`);
  } finally {
    block.close();
  }
}

/**
 * spec: { count, length, waitRelease?, logAcquire? }. Signals ready with its participant index,
 * optionally waits for a release, commits `count` slots (payload derived from the slotId; with
 * logAcquire it appends `producer: acquired <id>` AFTER each acquire), ends the stream.
 */
export async function streamProducer(args: string[]): Promise<void> {
  const spec = parseSpec('slots.streamProducer', args);
  const count = spec.count as number;
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const producer = block.producer();
    signalTestReady(String(producer.participantIndex));
    if (spec.waitRelease === true) await waitForRelease({ timeoutMs: spec.waitMs });
    for (let i = 0; i < count; i++) {
      const slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
      if (spec.logAcquire === true) logLine(spec, `producer: acquired ${slot.slotId}`);
      fillPayload(slot.data, slot.slotId, length);
      slot.commit(length);
    }
    producer.end();
    producer.close();
  } finally {
    block.close();
  }
}

/**
 * spec: { length, mode: 'every' | 'latest', waitRelease?, logRelease?, result }. Registers a
 * consumer, signals ready, optionally waits for a release, then consumes until the end of the
 * stream, verifying every payload byte; with logRelease it appends `consumer: releasing <id>`
 * BEFORE each release. Result: counts, order violations, mismatches, digest.
 */
export async function streamConsumer(args: string[]): Promise<void> {
  const spec = parseSpec('slots.streamConsumer', args);
  const length = spec.length as number;
  const every = spec.mode === 'every';
  const block = attach(spec);
  try {
    const consumer = block.consumer();
    signalTestReady(String(consumer.participantIndex));
    if (spec.waitRelease === true) await waitForRelease({ timeoutMs: spec.waitMs });
    let count = 0;
    let first = -1;
    let last = -1;
    let orderViolations = 0;
    let mismatches = 0;
    let checksumErrors = 0;
    let digest = 0;
    const ids: number[] = [];
    for (;;) {
      let slot;
      try {
        slot = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
      } catch (err) {
        if (isDataBlockError(err, 'ERR_DATABLOCK_END_OF_STREAM')) break;
        if (isDataBlockError(err, 'ERR_DATABLOCK_CHECKSUM_MISMATCH')) {
          checksumErrors++;
          continue;
        }
        throw err;
      }
      const id = slot.slotId;
      if (count === 0) first = id;
      else if (every ? id !== last + 1 : id <= last) orderViolations++;
      last = id;
      count++;
      if (ids.length < 64) ids.push(id);
      if (!payloadMatches(slot.data, id, length)) mismatches++;
      digest = digestStep(digest, slot.data);
      if (spec.logRelease === true) logLine(spec, `consumer: releasing ${id}`);
      slot.release();
    }
    consumer.close();
    writeResult(spec, { count, first, last, orderViolations, mismatches, checksumErrors, digest, ids });
  } finally {
    block.close();
  }
}

/**
 * spec: { count, length, waitRelease?, logAcquire?, result }. Signals ready (optionally waits for
 * a release), then commits `count` slots. Each acquire is first tried without blocking; the first
 * time the ring is full it reports checkpoint `full-at-<id>` just before it blocks. Appends
 * `producer: committed <id>` after each commit and `producer: acquired <id>` after each acquire.
 */
export async function fillThenBlockProducer(args: string[]): Promise<void> {
  const spec = parseSpec('slots.fillThenBlockProducer', args);
  const count = spec.count as number;
  const length = spec.length as number;
  const block = attach(spec);
  const fullAt: number[] = [];
  try {
    const producer = block.producer();
    signalTestReady(String(producer.participantIndex), { keepOpen: true });
    if (spec.waitRelease === true) await waitForRelease({ timeoutMs: spec.waitMs });
    for (let i = 0; i < count; i++) {
      let slot = producer.tryAcquireWriteSlot();
      if (slot === null) {
        fullAt.push(producer.nextSlotId);
        if (fullAt.length === 1) {
          logLine(spec, `producer: full at ${producer.nextSlotId}`);
          signalCheckpoint(`full-at-${producer.nextSlotId}`);
        }
        slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
      }
      if (spec.logAcquire === true) logLine(spec, `producer: acquired ${slot.slotId}`);
      fillPayload(slot.data, slot.slotId, length);
      slot.commit(length);
    }
    producer.end();
    producer.close();
    writeResult(spec, { fullAt });
    signalCheckpoint('done', { last: true });
  } catch (err) {
    writeResult(spec, { fullAt, error: codeOf(err) });
    throw err;
  } finally {
    block.close();
  }
}
