// Signal-based worker side of the flex-zone data exchange: ordered by ready + release, no sleep.
import { DataBlock } from '@plh/datablock';
import { signalTestReady, waitForRelease } from '@plh/ready-signal';
import { EXCHANGE_FLEX_SIZE, EXCHANGE_WORDS } from './entry.js';

/** Creates the block, writes the words, signals ready, keeps it until the parent releases it. */
export async function signalWriter([name]: string[]): Promise<void> {
  if (!name) throw new Error('usage: signal.writer <name>');
  const block = DataBlock.create(name, { slotCount: 1, slotSize: 64, flexZoneSize: EXCHANGE_FLEX_SIZE });
  try {
    const view = new DataView(block.flexZone.buffer, block.flexZone.byteOffset, block.flexZone.byteLength);
    view.setUint32(0, EXCHANGE_WORDS[0], true);
    view.setUint32(4, EXCHANGE_WORDS[1], true);
    signalTestReady(name);
    await waitForRelease({ timeoutMs: 30_000 });
  } finally {
    block.close();
    DataBlock.unlink(name);
  }
}
