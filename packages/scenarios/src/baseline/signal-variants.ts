// The signal-based flex-zone data exchange the comparison runs when the catalogue has no
// slots.CrossProcessDataExchangeWriterThenReaderVerifiesContent yet: the writer reports ready
// once the words are in the flex zone, and keeps the segment until the parent releases it.
import assert from 'node:assert/strict';
import { DataBlock } from '@plh/datablock';
import { scenarios } from '../catalog/index.js';
import type { Scenario } from '../scenario.js';
import { baselineWorkerEntry } from './entry.js';

export const CATALOGUE_EXCHANGE = 'slots.CrossProcessDataExchangeWriterThenReaderVerifiesContent';

export const signalFlexZoneExchange: Scenario = {
  name: 'signal.CrossProcessDataExchangeFlexZone',
  description: 'a writer puts {0xCAFEBABE, 0xDEAD} in the flex zone and signals ready; a reader verifies; then the parent releases the writer',
  processes: 3,
  async run(ctx) {
    const name = ctx.uniqueName('sv-cde');
    ctx.onCleanup(() => {
      try {
        DataBlock.unlink(name);
      } catch {
        // The writer removed it.
      }
    });
    const writer = ctx.spawnProcess(process.execPath, [baselineWorkerEntry, 'signal.writer', name], { release: true });
    await writer.waitForReady({ timeoutMs: ctx.waitMs });
    const reader = ctx.spawnProcess(process.execPath, [baselineWorkerEntry, 'signal.reader', name]);
    const { payload } = await reader.waitForReady({ timeoutMs: ctx.waitMs });
    assert.equal(payload, '0xcafebabe,0xdead');
    await reader.expectOk({ timeoutMs: ctx.waitMs });
    writer.release();
    await writer.expectOk({ timeoutMs: ctx.waitMs });
  },
};

/** The catalogue's slot-based data exchange if it exists, else the flex-zone variant above. */
export function signalDataExchange(): Scenario {
  return scenarios.find((s) => s.name === CATALOGUE_EXCHANGE) ?? signalFlexZoneExchange;
}
