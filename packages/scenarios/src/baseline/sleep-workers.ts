// BASELINE ONLY: the seed's SLEEP-BASED worker sides, kept on purpose as the bad example the
// stress tool measures against (`plh-scenarios compare`). Never copy this pattern: the sleeps
// below are the flakiness we removed everywhere else.
import { appendFileSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataBlock, DataBlockMutex } from '@plh/datablock';
import { EXCHANGE_FLEX_SIZE, EXCHANGE_WORDS } from './entry.js';

/** Seed creator: creates the mutex, locks, holds it by SLEEPING 300 ms, unlocks, removes it. */
export async function sleepCreator([name, logPath]: string[]): Promise<void> {
  if (!name || !logPath) throw new Error('usage: baseline.sleepCreator <name> <logPath>');
  const mutex = DataBlockMutex.create(name);
  try {
    mutex.lock({ timeoutMs: 30_000 });
    appendFileSync(logPath, 'creator:locked\n');
    await sleep(300); // "hold it long enough for the attacher to block" (the seed's way)
    appendFileSync(logPath, 'creator:unlocking\n');
    mutex.unlock();
  } finally {
    mutex.close();
    DataBlockMutex.unlink(name); // the seed's creator removes the segment when it is done
  }
}

/** Seed attacher: attaches, locks, checks that the creator had released before it acquired. */
export function sleepAttacher([name, logPath]: string[]): void {
  if (!name || !logPath) throw new Error('usage: baseline.sleepAttacher <name> <logPath>');
  const mutex = DataBlockMutex.attach(name, { timeoutMs: 5_000 });
  try {
    mutex.lock({ timeoutMs: 30_000 });
    const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
    appendFileSync(logPath, 'attacher:acquired\n');
    mutex.unlock();
    if (lines.join(',') !== 'creator:locked,creator:unlocking') {
      throw new Error(`the attacher acquired the mutex out of order; log before it: [${lines.join(', ')}]`);
    }
  } finally {
    mutex.close();
  }
}

/** Seed writer: creates a block, writes {0xCAFEBABE, 0xDEAD} in the flex zone, SLEEPS 3 s "so the segment persists", removes it. */
export async function sleepWriter([name]: string[]): Promise<void> {
  if (!name) throw new Error('usage: baseline.sleepWriter <name>');
  const block = DataBlock.create(name, { slotCount: 1, slotSize: 64, flexZoneSize: EXCHANGE_FLEX_SIZE });
  try {
    const view = new DataView(block.flexZone.buffer, block.flexZone.byteOffset, block.flexZone.byteLength);
    view.setUint32(0, EXCHANGE_WORDS[0], true);
    view.setUint32(4, EXCHANGE_WORDS[1], true);
    await sleep(3_000); // "so the segment persists until the reader has read it" (the seed's way)
  } finally {
    block.close();
    DataBlock.unlink(name);
  }
}
