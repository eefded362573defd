import { COMMITTED, CONTROL_WORDS, C_READERS_LO, C_SEQ_LO, C_STATE, S_WRITE_SEQ_LO } from '../constants.js';
import type { SlotContext } from '../context.js';
import { read64 } from '../seq64.js';

/**
 * What differs between the consumer policies, as one strategy object per policy
 * (latest-only.ts, sequential.ts, sequential-sync.ts): what a commit marks as pending, which
 * readers can block a producer, how a consumer joins, finds its next slot, releases it, and
 * where it is. Producer and Consumer hold one and never branch on the policy.
 */

/** A consumer's position: the next slotId it wants, the last it acquired, its reader bit. */
export interface Cursor {
  next: number;
  last: number;
  /** slotId of the slot the last successful enter() entered (enter returns its index). */
  entered: number;
  /**
   * The write sequence (S_WRITE_SEQ) as last read: slots below it are committed. In-order readers
   * read the shared word again only once they reach it, so a reader that keeps up spins on that
   * one word, not on the control line the producer is writing (the Disruptor's cached cursor).
   */
  published: number;
  readonly participant: number;
  /** 0 or 1: which word of a lo/hi mask holds its bit. */
  readonly word: number;
  readonly bit: number;
}

export interface SlotPolicy {
  /** sequential-sync: pending is a mask of reader bits (cleared with a dead reader's marks). */
  readonly pendingIsMask: boolean;
  /** Producer, at commit: mark what must consume slot control line `b` before it is rewritten. */
  markPending(ctx: SlotContext, b: number): void;
  /** Producer, while waiting on line `b`: the participants whose marks can block it. */
  blockers(ctx: SlotContext, b: number): number[];
  /** Consumer, at creation: join the block (take the sequential word, the sync-active bit, ...) and set the cursor. */
  join(ctx: SlotContext, cursor: Cursor): void;
  /**
   * Consumer: one attempt to enter its next slot (reader bit set, state and seq re-checked):
   * its ring index, with its slotId in cursor.entered; or -1. Allocates nothing (hot path).
   */
  enter(ctx: SlotContext, cursor: Cursor): number;
  /** Consumer, at release: clear what marks the slot as still to be consumed by it. */
  release(ctx: SlotContext, b: number, cursor: Cursor): void;
  /** Consumer: the position published for diagnose. */
  position(cursor: Cursor): number;
  /** Consumer: has it consumed a stream of `eos` slots? */
  ended(cursor: Cursor, eos: number): boolean;
}

/**
 * Reader entry (seqlock style): the slot at `index` is COMMITTED with slotId `slotId`; set our
 * reader bit, then re-read state and seq; if either changed, clear the bit, tell the producer and
 * give up. The producer moves COMMITTED -> DRAINING by CAS and only then reads the reader mask:
 * either we see DRAINING or it sees our bit.
 */
export function tryEnter(ctx: SlotContext, index: number, slotId: number, cursor: Cursor): boolean {
  const c = ctx.control;
  const b = index * CONTROL_WORDS;
  const readers = b + C_READERS_LO + cursor.word;
  Atomics.or(c, readers, cursor.bit);
  if (Atomics.load(c, b + C_STATE) !== COMMITTED || read64(c, b + C_SEQ_LO) !== slotId) {
    Atomics.and(c, readers, ~cursor.bit);
    ctx.notifyProducer();
    return false;
  }
  return true;
}

/**
 * sequential and sequential-sync: enter slot `cursor.next` when it is committed with that id,
 * skipping ids the producer lapped (a sync reader joining while it overtakes, or a forced cleanup).
 */
export function enterInOrder(ctx: SlotContext, cursor: Cursor): number {
  const c = ctx.control;
  if (cursor.next >= cursor.published) {
    cursor.published = read64(ctx.state, S_WRITE_SEQ_LO);
    if (cursor.next >= cursor.published) return -1;
  }
  for (;;) {
    const next = cursor.next;
    const index = next % ctx.slotCount;
    const b = index * CONTROL_WORDS;
    if (Atomics.load(c, b + C_STATE) !== COMMITTED) return -1;
    const s = read64(c, b + C_SEQ_LO);
    if (s < next) return -1;
    if (s > next) {
      cursor.next = next + 1;
      continue;
    }
    if (!tryEnter(ctx, index, next, cursor)) return -1;
    cursor.next = next + 1;
    cursor.entered = next;
    return index;
  }
}
