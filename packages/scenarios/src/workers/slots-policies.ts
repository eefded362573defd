// Worker sides of the consumer policy scenarios: a producer that commits in phases gated by the
// parent, and a latest-only consumer that reports what its acquisitions returned.
import { signalCheckpoint, signalTestReady, waitForRelease } from '@plh/worker-process/worker';
import { attach, fillPayload, parseSpec, payloadMatches, writeResult } from './slots-common.js';

/**
 * spec: { phases: number[], length }. Commits phases[0] slots and signals ready
 * (`committed-<total>`); then for each later phase waits for a release, commits that many slots
 * and reports checkpoint `committed-<total>` (the last one closes the ready pipe).
 */
export async function phasedProducer(args: string[]): Promise<void> {
  const spec = parseSpec('slots.phasedProducer', args);
  const phases = spec.phases as number[];
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const producer = block.producer();
    let total = 0;
    for (let phase = 0; phase < phases.length; phase++) {
      if (phase > 0) await waitForRelease({ timeoutMs: spec.waitMs });
      for (let i = 0; i < (phases[phase] ?? 0); i++) {
        const slot = producer.acquireWriteSlot({ timeoutMs: spec.waitMs });
        fillPayload(slot.data, slot.slotId, length);
        slot.commit(length);
        total++;
      }
      const name = `committed-${total}`;
      const last = phase === phases.length - 1;
      if (phase === 0) signalTestReady(name, { keepOpen: !last });
      else signalCheckpoint(name, { last });
    }
    producer.close();
  } finally {
    block.close();
  }
}

/**
 * spec: { length, result }. A latest-only consumer: its first acquire (what does it get?), then a
 * tryAcquire (null when nothing newer), reported in the ready payload; then checkpoint 'waiting'
 * and a blocking acquire whose slot goes to the result.
 */
export function latestConsumer(args: string[]): void {
  const spec = parseSpec('slots.latestConsumer', args);
  const length = spec.length as number;
  const block = attach(spec);
  try {
    const consumer = block.consumer();
    const first = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    const firstReport = { slotId: first.slotId, intact: payloadMatches(first.data, first.slotId, length) };
    first.release();
    const again = consumer.tryAcquireConsumeSlot();
    const tryReport = again === null ? null : again.slotId;
    again?.release();
    signalTestReady(JSON.stringify({ first: firstReport, tryAfterFirst: tryReport }), { keepOpen: true });
    signalCheckpoint('waiting', { last: true });
    const next = consumer.acquireConsumeSlot({ timeoutMs: spec.waitMs });
    writeResult(spec, { slotId: next.slotId, intact: payloadMatches(next.data, next.slotId, length) });
    next.release();
    consumer.close();
  } finally {
    block.close();
  }
}
