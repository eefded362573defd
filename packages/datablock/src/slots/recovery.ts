import { invalidArgument } from '../errors.js';
import { retryWhileBusy, type Outcome } from '../participants/outcome.js';
import { tokenIndex } from '../participants/table.js';
import { CONTROL_WORDS, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, DRAINING, STATE_NAMES, S_PRODUCER, S_SEQ_CONSUMER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, WRITING, ownerOf, stateOf } from './constants.js';
import { bitsOf, type SlotContext } from './context.js';
import type { CleanupResult, OwnerInfo, ReclaimResult, RecoveryOptions, ZombieReleaseResult } from './recovery-types.js';

/**
 * The public recovery calls (forceReclaimSlot, releaseZombieReaders, cleanupDeadConsumers):
 * argument checks and reports, thin over the participants table (check, reap) and the cleaner.
 */
export type { CleanupResult, ConsumerDiagnosis, Diagnosis, OwnerInfo, ReclaimResult, RecoveryOptions, SlotDiagnosis, ZombieReleaseResult } from './recovery-types.js';

/** Who holds entry `p` now (pid 0 and not alive when it is free). */
function owner(ctx: SlotContext, p: number): OwnerInfo {
  const e = ctx.table.entry(p);
  return Object.freeze({ participant: p, pid: e?.pid ?? 0, alive: e?.alive === true });
}

/** Who registration `token` was: pid 0 and not alive once its entry was freed or refilled. */
export function ownerOfToken(ctx: Pick<SlotContext, 'table'>, token: number): OwnerInfo {
  const e = ctx.table.entryOf(token);
  return Object.freeze({ participant: tokenIndex(token), pid: e?.pid ?? 0, alive: e?.alive === true });
}

function parseForce(options: RecoveryOptions | undefined): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') throw invalidArgument('recovery options must be an object');
  if (options.force !== undefined && typeof options.force !== 'boolean') throw invalidArgument('force must be a boolean');
  return options.force === true;
}

export function forceReclaimSlot(ctx: SlotContext, index: number, options?: RecoveryOptions): ReclaimResult {
  const force = parseForce(options);
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= ctx.slotCount) {
    throw invalidArgument(`slot index must be an integer from 0 to ${ctx.slotCount - 1}; got ${String(index)}`);
  }
  // 'busy' (another live thread is changing the owner's entry) lasts microseconds: the one bound.
  let result = { outcome: 'busy' as Outcome, before: 0 };
  retryWhileBusy(() => {
    result = ctx.cleaner.reclaimSlot(index, force);
    return result.outcome === 'busy' ? 'busy' : 'done';
  });
  const { outcome, before } = result;
  const st = stateOf(before);
  const previousState = STATE_NAMES[st] ?? 'FREE';
  if (outcome === 'alive' || outcome === 'busy') {
    const who = ownerOfToken(ctx, ownerOf(before));
    const why = outcome === 'alive'
      ? `is ${previousState} by a live producer (pid ${who.pid}): it is not abandoned; wait for it`
      : `belongs to participant entry ${who.participant}, which another live thread is changing right now: retry`;
    throw ctx.error('ERR_DATABLOCK_OWNER_ALIVE', `slot ${index} of DataBlock '${ctx.name}' ${why}, or pass { force: true } if you know it is stuck`);
  }
  if (outcome !== 'cleared') {
    // Nothing to reclaim, or the owner named by the word we read no longer holds the slot.
    const now = st === WRITING || st === DRAINING ? STATE_NAMES[stateOf(Atomics.load(ctx.control, index * CONTROL_WORDS))] ?? 'FREE' : previousState;
    return Object.freeze({ index, action: 'none', previousState: now, owner: null });
  }
  return Object.freeze({ index, action: st === WRITING ? 'freed' : 'restored', previousState, owner: ownerOfToken(ctx, ownerOf(before)) });
}
function namedParticipants(ctx: SlotContext, list: number[] | undefined): Set<number> {
  const out = new Set<number>();
  if (list === undefined) return out;
  if (!Array.isArray(list)) throw invalidArgument('participants must be an array of participant indexes');
  for (const p of list) {
    if (!Number.isInteger(p) || p < 0 || p >= ctx.table.capacity) throw invalidArgument(`participant index out of range: ${String(p)}`);
    out.add(p);
  }
  return out;
}

export function releaseZombieReaders(ctx: SlotContext, options?: RecoveryOptions & { participants?: number[] }): ZombieReleaseResult {
  const force = parseForce(options);
  const named = namedParticipants(ctx, options?.participants);
  const sync = ctx.layout.policy === 'sequential-sync';
  const c = ctx.control;
  const marks = new Map<number, number>();
  const seen = new Set<number>(named);
  for (let i = 0; i < ctx.slotCount; i++) {
    const b = i * CONTROL_WORDS;
    for (const p of bitsOf(Atomics.load(c, b + C_READERS_LO), Atomics.load(c, b + C_READERS_HI))) {
      marks.set(p, (marks.get(p) ?? 0) + 1);
      seen.add(p);
    }
    if (sync) for (const p of bitsOf(Atomics.load(c, b + C_PENDING_LO), Atomics.load(c, b + C_PENDING_HI))) seen.add(p);
  }
  const released: Array<OwnerInfo & { readerMarks: number }> = [];
  for (const p of seen) {
    const who = owner(ctx, p);
    const forced = force && named.has(p);
    // Forced: clear whoever holds the entry (the caller's decision). Otherwise only under the
    // entry's marks lock, so a consumer that takes the entry meanwhile keeps its marks.
    let outcome = 'cleared';
    if (forced) ctx.cleaner.clearConsumerMarks(p, sync);
    else outcome = ctx.cleaner.reapConsumer(p, sync);
    if (outcome === 'alive' && named.has(p)) {
      throw ctx.error('ERR_DATABLOCK_OWNER_ALIVE', `participant ${p} (pid ${who.pid}) of DataBlock '${ctx.name}' is a live consumer: its marks are in use; pass { force: true } to clear them anyway`);
    }
    if (outcome === 'busy' && named.has(p)) {
      throw ctx.error('ERR_DATABLOCK_OWNER_ALIVE', `participant entry ${p} of DataBlock '${ctx.name}' is being claimed or cleaned by another live process right now: retry, or pass { force: true } to clear its marks anyway`);
    }
    if (outcome !== 'cleared') continue;
    released.push(Object.freeze({ ...who, readerMarks: marks.get(p) ?? 0 }));
  }
  return Object.freeze({ released });
}

export function cleanupDeadConsumers(ctx: SlotContext, options?: RecoveryOptions & { participants?: number[] }): CleanupResult {
  const force = parseForce(options);
  const named = namedParticipants(ctx, options?.participants);
  const sync = ctx.layout.policy === 'sequential-sync';
  const removed: Array<OwnerInfo & { role: string }> = [];
  for (const p of ctx.table.list()) {
    if (p.role !== 'consumer' && p.role !== 'producer') continue;
    if (p.alive && !(force && named.has(p.index))) {
      if (named.has(p.index)) {
        throw ctx.error('ERR_DATABLOCK_OWNER_ALIVE', `participant ${p.index} (pid ${p.pid}) of DataBlock '${ctx.name}' is alive: refusing to drop it; pass { force: true } to drop it anyway`);
      }
      continue;
    }
    // A consumer's reader marks, or a producer's claim on the producer word.
    const token = ctx.table.tokenOf(p.index);
    const clearMarks = p.role === 'consumer'
      ? () => { ctx.cleaner.clearConsumerMarks(p.index, sync); }
      : () => { Atomics.compareExchange(ctx.state, S_PRODUCER, token, 0); };
    if (p.alive) clearMarks(); // forced
    // Under the entry's marks lock, so a newcomer that took the entry meanwhile keeps its marks.
    else if (ctx.table.reap(p.index, p.role, clearMarks) !== 'cleared') continue;
    ctx.table.unregister(p.index, { pid: p.pid, tid: p.tid, startTime: p.startTime });
    removed.push(Object.freeze({ participant: p.index, pid: p.pid, alive: p.alive, role: p.role }));
  }
  // Marks and sync-active bits of entries that are no longer active at all.
  const s = ctx.state;
  for (const p of bitsOf(Atomics.load(s, S_SYNC_ACTIVE_LO), Atomics.load(s, S_SYNC_ACTIVE_HI))) {
    if (ctx.table.entry(p) === undefined) ctx.cleaner.reapConsumer(p, sync);
  }
  // The sequential consumer word of a registration that is gone: its marks, then the word (a
  // newcomer on that entry, 'alive', clears the marks of its index itself).
  const seq = Atomics.load(s, S_SEQ_CONSUMER);
  if (seq !== 0 && ctx.table.check(seq, 'consumer') === 'dead' && ctx.cleaner.reapConsumer(tokenIndex(seq), sync) !== 'busy') {
    Atomics.compareExchange(s, S_SEQ_CONSUMER, seq, 0);
  }
  return Object.freeze({ removed });
}
