import { invalidArgument } from '../errors.js';
import type { MarksOutcome, ParticipantInfo } from '../participants.js';
import {
  COMMITTED, CONTROL_WORDS, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, C_STATE, C_WRITER,
  DRAINING, FREE, STATE_NAMES, S_PRODUCER, S_SEQ_CONSUMER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, WRITING, type SlotStateName,
} from './constants.js';
import { bitsOf, type SlotContext } from './context.js';

export interface RecoveryOptions {
  /** Act even when the owner is alive (unsafe: only when you know it is stuck). Default false. */
  force?: boolean;
}
export interface OwnerInfo {
  readonly participant: number;
  readonly pid: number;
  readonly alive: boolean;
}
export interface SlotDiagnosis {
  readonly index: number;
  readonly state: SlotStateName;
  readonly slotId: number;
  readonly length: number;
  /** sequential: not consumed yet. sequential-sync: readers that still have to consume it. */
  readonly pending: boolean;
  readonly pendingReaders: OwnerInfo[];
  readonly writer: OwnerInfo | null;
  readonly readers: OwnerInfo[];
}
export interface ConsumerDiagnosis extends OwnerInfo {
  /** Next slotId this consumer will read (latest-only: last seen + 1). */
  readonly position: number;
  /** Slot index it holds, or null. */
  readonly heldSlot: number | null;
  /** sequential-sync: counted in the active-reader mask the producer waits for. */
  readonly syncActive: boolean;
}
export interface Diagnosis {
  readonly policy: string;
  readonly slotCount: number;
  readonly slotSize: number;
  /** slotId of the next commit (= number of commits so far). */
  readonly nextSlotId: number;
  readonly endOfStream: boolean;
  readonly producer: OwnerInfo | null;
  readonly consumers: ConsumerDiagnosis[];
  readonly slots: SlotDiagnosis[];
  readonly participants: ParticipantInfo[];
}
export interface ReclaimResult {
  readonly index: number;
  /**
   * 'freed': WRITING -> FREE; 'restored': DRAINING -> COMMITTED; 'none': nothing to reclaim
   * (also when a new producer took the slot over meanwhile; previousState is then its state now).
   */
  readonly action: 'freed' | 'restored' | 'none';
  readonly previousState: SlotStateName;
  readonly owner: OwnerInfo | null;
}
export interface ZombieReleaseResult {
  /** Participants whose marks were cleared, with the number of reader marks each held. */
  readonly released: Array<OwnerInfo & { readonly readerMarks: number }>;
}
export interface CleanupResult {
  readonly removed: Array<OwnerInfo & { readonly role: string }>;
}

function owner(ctx: SlotContext, p: number): OwnerInfo {
  const e = ctx.table.entry(p);
  return Object.freeze({ participant: p, pid: e?.pid ?? 0, alive: e?.alive === true });
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
  const c = ctx.control;
  const b = index * CONTROL_WORDS;
  const st = Atomics.load(c, b + C_STATE);
  const previousState = STATE_NAMES[st] ?? 'FREE';
  if (st === WRITING || st === DRAINING) {
    const tag = st === WRITING ? Atomics.load(c, b + C_WRITER) : Atomics.load(ctx.state, S_PRODUCER);
    const who = tag === 0 ? null : owner(ctx, tag - 1);
    // Acts only if the tag read above still names the slot's owner: a new producer stores its
    // own tag in the writer word before it takes a slot, and takes over the producer word only
    // under the entry lock held here (or, on the same entry, after registering on it, which
    // that lock also prevents).
    let acted = false;
    const reclaim = st === WRITING
      ? () => {
        if (Atomics.load(c, b + C_WRITER) !== tag || Atomics.compareExchange(c, b + C_STATE, WRITING, FREE) !== WRITING) return;
        Atomics.store(c, b + C_WRITER, 0);
        acted = true;
      }
      : () => {
        if (Atomics.load(ctx.state, S_PRODUCER) !== tag) return;
        acted = Atomics.compareExchange(c, b + C_STATE, DRAINING, COMMITTED) === DRAINING;
      };
    // Unforced, only under the owner entry's marks lock: a producer that took that entry
    // meanwhile has the same tag, and its slot is not abandoned.
    let outcome: MarksOutcome = 'cleared';
    if (force || tag === 0) reclaim();
    else outcome = ctx.table.clearMarksIfAbandoned(tag - 1, 'producer', reclaim);
    if (outcome !== 'cleared') {
      const why = outcome === 'owned'
        ? `is ${previousState} by a live producer (pid ${ctx.table.entry(tag - 1)?.pid ?? '?'}): it is not abandoned; wait for it`
        : `belongs to participant entry ${tag - 1}, which another live process is changing right now: retry`;
      throw ctx.error('ERR_DATABLOCK_OWNER_ALIVE', `slot ${index} of DataBlock '${ctx.name}' ${why}, or pass { force: true } if you know it is stuck`);
    }
    if (!acted) return Object.freeze({ index, action: 'none', previousState: STATE_NAMES[Atomics.load(c, b + C_STATE)] ?? 'FREE', owner: null });
    if (st === WRITING) {
      ctx.notifyProducer();
      return Object.freeze({ index, action: 'freed', previousState, owner: who });
    }
    ctx.notifyConsumers();
    return Object.freeze({ index, action: 'restored', previousState, owner: who });
  }
  return Object.freeze({ index, action: 'none', previousState, owner: null });
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
    let outcome: MarksOutcome = 'cleared';
    if (forced) ctx.clearConsumerBits(p, sync);
    else outcome = ctx.reapConsumer(p, sync);
    if (outcome === 'owned' && named.has(p)) {
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
    const clearMarks = p.role === 'consumer'
      ? () => { if (p.index < 64) ctx.clearConsumerBits(p.index, sync); }
      : () => { Atomics.compareExchange(ctx.state, S_PRODUCER, p.index + 1, 0); };
    if (p.alive) clearMarks(); // forced
    // Under the entry's marks lock, so a newcomer that took the entry meanwhile keeps its marks.
    else if (ctx.table.clearMarksIfAbandoned(p.index, p.role, clearMarks) !== 'cleared') continue;
    ctx.table.unregister(p.index, { pid: p.pid, startTime: p.startTime });
    removed.push(Object.freeze({ participant: p.index, pid: p.pid, alive: p.alive, role: p.role }));
  }
  // Marks and sync-active bits of entries that are no longer active at all.
  const s = ctx.state;
  for (const p of bitsOf(Atomics.load(s, S_SYNC_ACTIVE_LO), Atomics.load(s, S_SYNC_ACTIVE_HI))) {
    if (ctx.table.entry(p) === undefined) ctx.reapConsumer(p, sync);
  }
  // The sequential consumer word of an entry that is no longer active (cleared with its marks).
  const seq = Atomics.load(s, S_SEQ_CONSUMER);
  if (seq !== 0 && ctx.table.entry(seq - 1) === undefined) ctx.reapConsumer(seq - 1, sync);
  return Object.freeze({ removed });
}
