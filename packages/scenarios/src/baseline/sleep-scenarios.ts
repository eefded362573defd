// BASELINE ONLY: the seed's SLEEP-BASED versions of two scenarios, run by `plh-scenarios compare`
// (and `stress --baseline`) next to the signal-based versions under the same load. They are not
// in the catalogue: `plh-scenarios list` / `run` never show them. The sleeps are the point.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataBlock, DataBlockMutex } from '@plh/datablock';
import type { Scenario, ScenarioContext } from '../scenario.js';
import { baselineWorkerEntry } from './entry.js';

function spawnBaseline(ctx: ScenarioContext, worker: string, args: string[]) {
  return ctx.spawnProcess(process.execPath, [baselineWorkerEntry, worker, ...args]);
}

function unlinkLater(ctx: ScenarioContext, unlink: () => void): void {
  ctx.onCleanup(() => {
    try {
      unlink();
    } catch {
      // Removed by its creator already.
    }
  });
}

export const sleepAttacherAcquiresAfterCreator: Scenario = {
  name: 'baseline.AttacherAcquiresAfterCreatorSleep',
  description: "the seed's version: creator holds the lock by sleeping 300 ms; the parent sleeps 100 ms so the creator is first",
  processes: 3,
  async run(ctx) {
    const name = ctx.uniqueName('bl-aac');
    unlinkLater(ctx, () => DataBlockMutex.unlink(name));
    const log = join(ctx.tempDir, 'mutex.log');
    writeFileSync(log, '');
    const creator = spawnBaseline(ctx, 'baseline.sleepCreator', [name, log]);
    await sleep(100); // "so the creator is first" (the seed's way)
    const attacher = spawnBaseline(ctx, 'baseline.sleepAttacher', [name, log]);
    await Promise.all([creator.expectOk({ timeoutMs: 30_000 }), attacher.expectOk({ timeoutMs: 30_000 })]);
    assert.deepEqual(readFileSync(log, 'utf8').split('\n').filter(Boolean), ['creator:locked', 'creator:unlocking', 'attacher:acquired']);
  },
};

export const sleepCrossProcessDataExchange: Scenario = {
  name: 'baseline.CrossProcessDataExchangeSleep',
  description: "the seed's version: the writer sleeps 3 s so the segment persists; the parent sleeps 100 ms so the writer is first",
  processes: 3,
  async run(ctx) {
    const name = ctx.uniqueName('bl-cde');
    unlinkLater(ctx, () => DataBlock.unlink(name));
    const writer = spawnBaseline(ctx, 'baseline.sleepWriter', [name]);
    await sleep(100); // "so the writer has created the segment" (the seed's way)
    const reader = spawnBaseline(ctx, 'baseline.reader', [name]);
    await Promise.all([reader.expectOk({ timeoutMs: 30_000 }), writer.expectOk({ timeoutMs: 30_000 })]);
  },
};
