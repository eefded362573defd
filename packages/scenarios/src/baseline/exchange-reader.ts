import { DataBlock } from '@plh/datablock';
import { signalTestReady } from '@plh/ready-signal';
import { EXCHANGE_WORDS } from './entry.js';

/** Reads the two words from the flex zone of an existing block; throws unless they match. */
export function readExchange(name: string): [number, number] {
  const block = DataBlock.attach(name, { timeoutMs: 5_000 });
  try {
    const zone = block.flexZone;
    const view = new DataView(zone.buffer, zone.byteOffset, zone.byteLength);
    const words: [number, number] = [view.getUint32(0, true), view.getUint32(4, true)];
    if (words[0] !== EXCHANGE_WORDS[0] || words[1] !== EXCHANGE_WORDS[1]) {
      throw new Error(`read {0x${words[0].toString(16)}, 0x${words[1].toString(16)}}, expected {0xcafebabe, 0xdead}`);
    }
    return words;
  } finally {
    block.close();
  }
}

/** Reader process (both versions): attach, verify, report the words as the ready payload. */
export function exchangeReader([name]: string[]): void {
  if (!name) throw new Error('usage: <module>.exchangeReader <name>');
  const words = readExchange(name);
  signalTestReady(words.map((w) => `0x${w.toString(16)}`).join(','));
}
