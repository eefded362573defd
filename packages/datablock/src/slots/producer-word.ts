// The producer's side of the shared words: who may produce (one live producer; a dead one's
// word is taken over through the cleaner), the slotId a new producer continues at, and the
// state-word transitions that take one slot for writing.
import { RETRY_BOUND_MS } from '../participants/outcome.js';
import {
  COMMITTED, CONTROL_WORDS, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, C_SEQ_LO, C_STATE, DRAINING, FREE,
  S_EOS, S_PRODUCER, S_PRODUCER_WAITERS, S_WRITE_SEQ_LO, WRITING, ownedState, ownerOf, stateOf,
} from './constants.js';
import type { SlotContext } from './context.js';
import { read64, write64, writeOwned64 } from './seq64.js';

/** Takes the producer word: free, or naming a registration that is gone (cleaner.takeOver). */
export function claimProducerWord(ctx: SlotContext, tag: number): void {
  const outcome = ctx.cleaner.takeOver(S_PRODUCER, 'producer', tag, false);
  if (outcome === 'alive') {
    const other = ctx.table.entryOf(Atomics.load(ctx.state, S_PRODUCER));
    throw ctx.error(
      'ERR_DATABLOCK_PRODUCER_EXISTS',
      `DataBlock '${ctx.name}' already has a live producer (pid ${other?.pid ?? '?'}, participant ${other?.index ?? '?'}): a block has one producer at a time; close the other one first`,
    );
  }
  if (outcome === 'busy') {
    throw ctx.error(
      'ERR_DATABLOCK_TIMEOUT',
      `DataBlock '${ctx.name}': the participant entry of the previous producer stayed locked by another thread for ${RETRY_BOUND_MS} ms; retry, or run block.cleanupDeadConsumers()`,
    );
  }
}

/**
 * Resumes after the last commit. A predecessor that died between marking its slot COMMITTED
 * and advancing S_WRITE_SEQ (or in a writeBatch, which publishes once at its end) left
 * committed slots from seq == S_WRITE_SEQ on: skip past them.
 */
export function resumeStream(ctx: SlotContext): number {
  let seq = read64(ctx.state, S_WRITE_SEQ_LO);
  for (;;) {
    const b = (seq % ctx.slotCount) * CONTROL_WORDS;
    if (Atomics.load(ctx.control, b + C_STATE) === COMMITTED && read64(ctx.control, b + C_SEQ_LO) === seq) seq++;
    else break;
  }
  write64(ctx.state, S_WRITE_SEQ_LO, seq);
  Atomics.store(ctx.state, S_EOS, 0);
  Atomics.store(ctx.state, S_PRODUCER_WAITERS, 0); // a predecessor may have died asleep
  ctx.notifyConsumers(); // writeSeq may have moved past slots a predecessor committed unpublished
  return seq;
}

/**
 * One attempt to take slot seq % slotCount (WRITING, seq stored): its index, or -1. May move
 * it COMMITTED -> DRAINING (the producer's giveUp() undoes that).
 */
export function takeSlot(ctx: SlotContext, seq: number, tag: number): number {
  const c = ctx.control;
  const idx = seq % ctx.slotCount;
  const b = idx * CONTROL_WORDS;
  const word = Atomics.load(c, b + C_STATE);
  const writing = ownedState(WRITING, tag);
  if (word === FREE) {
    if (Atomics.compareExchange(c, b + C_STATE, FREE, writing) !== FREE) return -1;
    writeOwned64(c, b + C_SEQ_LO, seq);
    return idx;
  }
  const draining = ownedState(DRAINING, tag);
  if (word === COMMITTED) {
    // Not consumed yet (sequential / sequential-sync): the ring is full, wait for readers.
    if ((Atomics.load(c, b + C_PENDING_LO) | Atomics.load(c, b + C_PENDING_HI)) !== 0) return -1;
    // Always through DRAINING, never COMMITTED -> WRITING at once: a WRITING slot must never
    // have a reader inside, since a dead writer's WRITING slot is freed without a look at readers.
    if (Atomics.compareExchange(c, b + C_STATE, COMMITTED, draining) !== COMMITTED) return -1;
  } else if (stateOf(word) === DRAINING && word !== draining) {
    // A drain a dead predecessor left (only the one live producer drains): take it over.
    if (Atomics.compareExchange(c, b + C_STATE, word, draining) !== word) return -1;
  } else if (stateOf(word) === WRITING) {
    // Only a producer that died mid-write (or our own entry's earlier registration: this
    // producer holds no slot here) leaves a WRITING slot: reclaim it, then try again.
    if (ownerOf(word) === tag) Atomics.compareExchange(c, b + C_STATE, word, FREE);
    else ctx.cleaner.reclaimSlot(idx, false);
    return -1;
  }
  // DRAINING by us: new readers back out; wait for the ones inside to leave.
  if ((Atomics.load(c, b + C_READERS_LO) | Atomics.load(c, b + C_READERS_HI)) !== 0) return -1;
  if (Atomics.compareExchange(c, b + C_STATE, draining, writing) !== draining) return -1;
  // length, checksum and flags are only meaningful once COMMITTED: commit writes them.
  writeOwned64(c, b + C_SEQ_LO, seq);
  return idx;
}
