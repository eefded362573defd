import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataBlockMutex } from '@plh/datablock';
import type { Scenario, ScenarioContext } from '../scenario.js';

/** A unique mutex name, unlinked at cleanup whatever happened. */
function mutexName(ctx: ScenarioContext, label: string): string {
  const name = ctx.uniqueName(`sc-${label}`);
  ctx.onCleanup(() => {
    try {
      DataBlockMutex.unlink(name);
    } catch {
      // Already removed, or never created: nothing to clean.
    }
  });
  return name;
}

function logFile(ctx: ScenarioContext): { path: string; lines: () => string[] } {
  const path = join(ctx.tempDir, 'mutex.log');
  writeFileSync(path, '');
  return { path, lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean) };
}

export const creatorAcquiresAndReleases: Scenario = {
  name: 'mutex.CreatorAcquiresAndReleases',
  description: 'a creator locks a new mutex (others cannot), then releases it (others can)',
  processes: 2,
  async run(ctx) {
    const name = mutexName(ctx, 'car');
    const log = logFile(ctx);
    const holder = ctx.spawnWorker('mutex.createAndHold', [name, log.path], { release: true });
    await holder.waitForReady({ timeoutMs: ctx.waitMs });
    const mutex = DataBlockMutex.attach(name, { timeoutMs: ctx.waitMs });
    try {
      assert.equal(mutex.tryLock(), null, 'the parent locked a mutex the creator holds');
      holder.release();
      await holder.waitForCheckpoint('unlocked', { timeoutMs: ctx.waitMs });
      const acquired = mutex.tryLock();
      assert.deepEqual(acquired, { recovered: false }, 'the mutex was not free after the creator released it');
      mutex.unlock();
    } finally {
      mutex.close();
    }
    await holder.expectOk();
    assert.deepEqual(log.lines(), ['holder:locked', 'holder:unlocking']);
  },
};

async function holderThenAttacher(ctx: ScenarioContext, label: string, mode: 'sync' | 'async', checkpoint: string) {
  const name = mutexName(ctx, label);
  const log = logFile(ctx);
  const holder = ctx.spawnWorker('mutex.createAndHold', [name, log.path], { release: true });
  await holder.waitForReady({ timeoutMs: ctx.waitMs });
  const attacher = ctx.spawnWorker('mutex.attachAndLock', [name, log.path, mode]);
  await attacher.waitForReady({ timeoutMs: ctx.waitMs });
  // Released only once the attacher says it is about to block (or is blocked) in lock.
  await attacher.waitForCheckpoint(checkpoint, { timeoutMs: ctx.waitMs });
  ctx.record('attacher-waiting');
  holder.release();
  ctx.record('holder-released');
  await Promise.all([holder.expectOk(), attacher.expectOk()]);
  assert.deepEqual(
    log.lines(),
    ['holder:locked', 'holder:unlocking', 'attacher:acquired'],
    'the attacher acquired the mutex before the holder released it',
  );
}

export const attacherAcquiresAfterCreator: Scenario = {
  name: 'mutex.AttacherAcquiresAfterCreator',
  description: 'an attacher blocked in lock acquires only after the creator releases',
  processes: 3,
  run: (ctx) => holderThenAttacher(ctx, 'aac', 'sync', 'about-to-lock'),
};

export const tryLockForInfiniteBlocksUnderContention: Scenario = {
  name: 'mutex.TryLockForInfiniteBlocksUnderContention',
  description: 'an infinite lockAsync waits under contention (event loop free) and wins after release',
  processes: 3,
  run: (ctx) => holderThenAttacher(ctx, 'tfi', 'async', 'waiting-in-lock'),
};

export const zombieOwnerRecovery: Scenario = {
  name: 'mutex.ZombieOwnerRecovery',
  description: 'an owner dies holding the mutex; the next lock reports recovered: true, once',
  processes: 3,
  async run(ctx) {
    const name = mutexName(ctx, 'zor');
    const zombie = ctx.spawnWorker('mutex.lockAndDie', [name]);
    await zombie.waitForReady({ timeoutMs: ctx.waitMs });
    // Ordered by the zombie's exit, not by a sleep.
    const exit = await zombie.waitForExit({ timeoutMs: ctx.waitMs });
    assert.equal(exit.timedOut, false);
    const recoverer = ctx.spawnWorker('mutex.recoverLock', [name]);
    const { payload } = await recoverer.waitForReady({ timeoutMs: ctx.waitMs });
    assert.deepEqual(JSON.parse(payload ?? '{}'), { first: true, second: false });
    await recoverer.expectOk();
  },
};

export const attachNonexistentFails: Scenario = {
  name: 'mutex.AttachNonexistentFails',
  description: 'attaching to a mutex nobody created fails with ERR_DATABLOCK_NOT_FOUND',
  processes: 2,
  async run(ctx) {
    const name = mutexName(ctx, 'anf');
    const child = ctx.spawnWorker('mutex.attachMissing', [name]);
    const { payload } = await child.waitForReady({ timeoutMs: ctx.waitMs });
    assert.equal(payload, 'ERR_DATABLOCK_NOT_FOUND');
    await child.expectOk();
  },
};

export const tryLockForTimeoutConvention: Scenario = {
  name: 'mutex.TryLockForTimeoutConvention',
  description: 'timeoutMs 0 tries once, a positive timeout bounds the wait, Infinity waits for the release',
  processes: 3,
  async run(ctx) {
    const name = mutexName(ctx, 'tfc');
    const log = logFile(ctx);
    const holder = ctx.spawnWorker('mutex.createAndHold', [name, log.path], { release: true });
    await holder.waitForReady({ timeoutMs: ctx.waitMs });
    const tester = ctx.spawnWorker('mutex.timeoutConvention', [name]);
    const { payload } = await tester.waitForReady({ timeoutMs: ctx.waitMs });
    const report = JSON.parse(payload ?? '{}') as Record<string, { outcome: string; ms: number }>;
    assert.equal(report.zero?.outcome, 'ERR_DATABLOCK_TIMEOUT', 'timeoutMs 0 must fail at once on a held mutex');
    assert.equal(report.bounded?.outcome, 'ERR_DATABLOCK_TIMEOUT', 'a bounded lock must time out on a held mutex');
    // A bounded wait must really wait (lower bound, with a margin for clock granularity).
    assert.ok((report.bounded?.ms ?? 0) >= 90, `a 100 ms lock gave up after ${report.bounded?.ms} ms`);
    assert.ok((report.zero?.ms ?? Infinity) < (report.bounded?.ms ?? 0), 'timeoutMs 0 waited longer than 100 ms');
    await tester.waitForCheckpoint('waiting-infinite', { timeoutMs: ctx.waitMs });
    holder.release();
    await tester.waitForCheckpoint('infinite:acquired', { timeoutMs: ctx.waitMs });
    await Promise.all([holder.expectOk(), tester.expectOk()]);
  },
};

export const mutexScenarios: readonly Scenario[] = [
  creatorAcquiresAndReleases,
  attacherAcquiresAfterCreator,
  zombieOwnerRecovery,
  attachNonexistentFails,
  tryLockForTimeoutConvention,
  tryLockForInfiniteBlocksUnderContention,
];
