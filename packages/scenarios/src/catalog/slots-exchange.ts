import assert from 'node:assert/strict';
import type { Scenario } from '../scenario.js';
import {
  assertBefore, assertWholeStream, createSlotBlock, resultFile, sharedLog, slotBlockName, workerArgs,
  type StreamResult,
} from './slots-common.js';

export const crossProcessDataExchange: Scenario = {
  name: 'slots.CrossProcessDataExchangeWriterThenReaderVerifiesContent',
  description: 'a writer process commits {0xCAFEBABE, 0xDEAD}; a reader process verifies it; the writer exits only after the reader reported',
  processes: 3,
  async run(ctx) {
    const name = slotBlockName(ctx, 'xch');
    const log = sharedLog(ctx);
    const writer = ctx.spawnWorker('slots.exchangeWriter', workerArgs(ctx, name, { log: log.path }), { release: true });
    assert.equal((await writer.waitForReady({ timeoutMs: ctx.waitMs })).payload, 'committed');
    const reader = ctx.spawnWorker('slots.exchangeReader', workerArgs(ctx, name, { log: log.path }));
    assert.equal((await reader.waitForReady({ timeoutMs: ctx.waitMs })).payload, 'verified');
    await reader.expectOk();
    // The writer (and its segment handle) lives until the reader's report: released here, not by a timer.
    writer.release();
    await writer.expectOk();
    assert.deepEqual(log.lines(), ['writer: committed', 'reader: verified', 'writer: released']);
  },
};

export const writerBlocksOnReaderThenUnblocks: Scenario = {
  name: 'slots.WriterBlocksOnReaderThenUnblocks',
  description: 'sequential ring of 2: the third acquire of the producer completes only after the consumer released a slot',
  processes: 3,
  async run(ctx) {
    const { name, block } = createSlotBlock(ctx, 'wbr', { slotCount: 2, slotSize: 64, policy: 'sequential' });
    const log = sharedLog(ctx);
    const consumed = resultFile<StreamResult>(ctx, 'consumer');
    const produced = resultFile<{ fullAt: number[] }>(ctx, 'producer');
    const consumer = ctx.spawnWorker(
      'slots.streamConsumer',
      workerArgs(ctx, name, { length: 64, mode: 'every', waitRelease: true, logRelease: true, log: log.path, result: consumed.path }),
      { release: true },
    );
    await consumer.waitForReady({ timeoutMs: ctx.waitMs });
    const producer = ctx.spawnWorker(
      'slots.fillThenBlockProducer',
      workerArgs(ctx, name, { count: 3, length: 64, logAcquire: true, log: log.path, result: produced.path }),
    );
    await producer.waitForReady({ timeoutMs: ctx.waitMs });
    // Sent just before the producer blocks in its third acquire (its try found the ring full).
    await producer.waitForCheckpoint('full-at-2', { timeoutMs: ctx.waitMs });
    const held = block.diagnose().slots.map((s) => `${s.state}:${s.slotId}:${s.pending}`);
    assert.deepEqual(held, ['COMMITTED:0:true', 'COMMITTED:1:true'], 'the ring should be full and unconsumed');
    consumer.release();
    await Promise.all([producer.expectOk(), consumer.expectOk()]);
    const lines = log.lines();
    assert.deepEqual(lines.slice(0, 4), [
      'producer: acquired 0',
      'producer: acquired 1',
      'producer: full at 2',
      'consumer: releasing 0',
    ]);
    assertBefore(lines, 'consumer: releasing 0', 'producer: acquired 2');
    assert.deepEqual(produced.read().fullAt, [2]);
    assertWholeStream('consumer', consumed.read(), 3, 64);
  },
};

export const singleReaderBackpressure: Scenario = {
  name: 'slots.SingleReaderBackpressure',
  description: 'sequential ring of 4, 20 slots: the producer acquires slot k only after the consumer released slot k-4; the consumer gets all 20 in order',
  processes: 3,
  async run(ctx) {
    const count = 20;
    const length = 128;
    const { name } = createSlotBlock(ctx, 'srb', { slotCount: 4, slotSize: length, policy: 'sequential' });
    const log = sharedLog(ctx);
    const consumed = resultFile<StreamResult>(ctx, 'consumer');
    const consumer = ctx.spawnWorker(
      'slots.streamConsumer',
      workerArgs(ctx, name, { length, mode: 'every', waitRelease: true, logRelease: true, log: log.path, result: consumed.path }),
      { release: true },
    );
    const producer = ctx.spawnWorker(
      'slots.streamProducer',
      workerArgs(ctx, name, { count, length, waitRelease: true, logAcquire: true, log: log.path }),
      { release: true },
    );
    await Promise.all([consumer.waitForReady({ timeoutMs: ctx.waitMs }), producer.waitForReady({ timeoutMs: ctx.waitMs })]);
    consumer.release();
    producer.release();
    await Promise.all([producer.expectOk(), consumer.expectOk()]);
    const lines = log.lines();
    assert.equal(lines.length, 2 * count, `log:\n${lines.join('\n')}`);
    // The consumer logs before it releases, the producer after it acquires: file order is causal.
    for (let k = 4; k < count; k++) assertBefore(lines, `consumer: releasing ${k - 4}`, `producer: acquired ${k}`);
    assertWholeStream('consumer', consumed.read(), count, length);
  },
};

async function loadScenario(
  ctx: Parameters<Scenario['run']>[0],
  options: { label: string; policy: 'latest-only' | 'sequential' | 'sequential-sync'; slotCount: number; length: number; count: number; consumers: number },
): Promise<StreamResult[]> {
  const { label, policy, slotCount, length, count, consumers } = options;
  const { name } = createSlotBlock(ctx, label, { slotCount, slotSize: length, policy, checksum: 'crc32c', checksumPolicy: 'enforced' });
  const results = Array.from({ length: consumers }, (_, i) => resultFile<StreamResult>(ctx, `consumer-${i}`));
  const mode = policy === 'latest-only' ? 'latest' : 'every';
  const readers = results.map((r) =>
    ctx.spawnWorker('slots.streamConsumer', workerArgs(ctx, name, { length, mode, result: r.path })),
  );
  // Every consumer is registered before the first commit.
  await Promise.all(readers.map((r) => r.waitForReady({ timeoutMs: ctx.waitMs })));
  const producer = ctx.spawnWorker('slots.streamProducer', workerArgs(ctx, name, { count, length }));
  await Promise.all([producer.expectOk(), ...readers.map((r) => r.expectOk())]);
  return results.map((r) => r.read());
}

export const highContentionWrapAround: Scenario = {
  name: 'slots.HighContentionWrapAround',
  description: 'latest-only ring of 4, 5000 id-derived payloads with crc32c enforced, 2 concurrent reader processes: every accepted payload is whole',
  processes: 4,
  async run(ctx) {
    const count = 5000;
    const results = await loadScenario(ctx, { label: 'hcw', policy: 'latest-only', slotCount: 4, length: 256, count, consumers: 2 });
    results.forEach((r, i) => {
      assert.equal(r.mismatches, 0, `consumer ${i}: torn or wrong payloads`);
      assert.equal(r.checksumErrors, 0, `consumer ${i}: checksum mismatches`);
      assert.equal(r.orderViolations, 0, `consumer ${i}: slotIds not increasing`);
      assert.ok(r.count >= 1 && r.count <= count, `consumer ${i}: count ${r.count}`);
      assert.equal(r.last, count - 1, `consumer ${i}: did not see the last commit`);
      ctx.record(`consumer ${i}: ${r.count} of ${count} slots, 0 mismatches`);
    });
  },
};

export const highLoadSingleReaderIntegrity: Scenario = {
  name: 'slots.HighLoadSingleReaderIntegrity',
  description: 'sequential, 20 000 slots of 256 B with crc32c enforced: the consumer process receives slotIds 0..N-1 with no gap, every byte right',
  processes: 3,
  async run(ctx) {
    const count = 20_000;
    const [result] = await loadScenario(ctx, { label: 'hls', policy: 'sequential', slotCount: 16, length: 256, count, consumers: 1 });
    assertWholeStream('consumer', result as StreamResult, count, 256);
  },
};

export const multiProcessFullCapacityStress: Scenario = {
  name: 'slots.MultiProcessFullCapacityStress',
  description: 'sequential-sync, a producer and 2 consumer processes, 500 full 4 KiB slots with crc32c enforced: both consumers get all 500 in order',
  processes: 4,
  async run(ctx) {
    const count = 500;
    const results = await loadScenario(ctx, { label: 'mpf', policy: 'sequential-sync', slotCount: 8, length: 4096, count, consumers: 2 });
    for (const [i, r] of results.entries()) assertWholeStream(`consumer ${i}`, r, count, 4096);
  },
};

export const slotExchangeScenarios: readonly Scenario[] = [
  crossProcessDataExchange,
  writerBlocksOnReaderThenUnblocks,
  singleReaderBackpressure,
  highContentionWrapAround,
  highLoadSingleReaderIntegrity,
  multiProcessFullCapacityStress,
];
