import { afterEach, describe, expect, it } from 'vitest';
import { DataBlock, DataBlockMutex } from '../src/index.js';
import { expectCode, namer } from './helpers.js';

// The timeout convention of the top README ("Timeouts"), at every wait of @plh/datablock:
// undefined = the default of that kind of wait; 0 = do not block (try once; a wait not already
// satisfied fails at once with ERR_DATABLOCK_TIMEOUT); a positive number = an upper bound in ms;
// Infinity = no bound; anything else = ERR_DATABLOCK_INVALID_ARGUMENT, thrown at once (sync) or
// as the rejection (async). One validator (src/timeouts.ts) behind every call.

const names = namer('tmo');
const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  names.cleanup();
});
const BAD: unknown[] = [-1, Number.NaN, -Infinity, '5', null, {}, true];

function block(): DataBlock {
  const b = DataBlock.create(names.next(), { slotCount: 1, slotSize: 8, policy: 'latest-only' });
  open.push(b);
  return b;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toMatchObject({ name: 'DataBlockError', code });
}

describe('timeoutMs follows one convention at every wait', () => {
  it('anything but undefined, 0, a positive number or Infinity is ERR_DATABLOCK_INVALID_ARGUMENT, sync and async', async () => {
    const b = block();
    const producer = b.producer();
    const consumer = b.consumer();
    const mutex = DataBlockMutex.create(names.next());
    open.push(mutex);
    for (const timeoutMs of BAD as number[]) {
      expectCode(() => DataBlock.attach(b.name, { timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      expectCode(() => DataBlockMutex.attach(mutex.name, { timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      expectCode(() => mutex.lock({ timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      expectCode(() => consumer.acquireConsumeSlot({ timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      expectCode(() => producer.acquireWriteSlot({ timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      await rejectsWith(mutex.lockAsync({ timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      await rejectsWith(consumer.acquireConsumeSlotAsync({ timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
      await rejectsWith(producer.acquireWriteSlotAsync({ timeoutMs }), 'ERR_DATABLOCK_INVALID_ARGUMENT');
    }
  });

  it('0 does not block: a satisfied wait succeeds, an unsatisfied one fails at once with ERR_DATABLOCK_TIMEOUT', async () => {
    const b = block();
    const producer = b.producer();
    const consumer = b.consumer();
    expectCode(() => consumer.acquireConsumeSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
    await rejectsWith(consumer.acquireConsumeSlotAsync({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
    producer.acquireWriteSlot({ timeoutMs: 0 }).commit(1);
    const held = consumer.acquireConsumeSlot({ timeoutMs: 0 });
    // The one slot is held by a reader: the producer cannot have it now.
    expectCode(() => producer.acquireWriteSlot({ timeoutMs: 0 }), 'ERR_DATABLOCK_TIMEOUT');
    held.release();
    expect(b.mutex.lock({ timeoutMs: 0 })).toEqual({ recovered: false });
    const other = DataBlock.attach(b.name, { timeoutMs: 0 }); // the block exists: no wait needed
    open.push(other);
    b.mutex.unlock();
    expectCode(() => DataBlock.attach(names.next(), { timeoutMs: 0 }), 'ERR_DATABLOCK_NOT_FOUND');
  });

  it('Infinity is accepted as no bound by every wait', async () => {
    const b = block();
    const producer = b.producer();
    const consumer = b.consumer();
    (await producer.acquireWriteSlotAsync({ timeoutMs: Infinity })).commit(1);
    consumer.acquireConsumeSlot({ timeoutMs: Infinity }).release();
    producer.acquireWriteSlot({ timeoutMs: Infinity }).commit(2);
    (await consumer.acquireConsumeSlotAsync({ timeoutMs: Infinity })).release();
    expect(await b.mutex.lockAsync({ timeoutMs: Infinity })).toEqual({ recovered: false });
    b.mutex.unlock();
    open.push(DataBlock.attach(b.name, { timeoutMs: Infinity }));
  });
});
