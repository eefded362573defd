import { COMMITTED, CONTROL_WORDS, C_READERS_HI, C_READERS_LO, C_SEQ_LO, C_STATE, S_NEWEST } from '../constants.js';
import { bitsOf } from '../context.js';
import { read64 } from '../seq64.js';
import { tryEnter, type SlotPolicy } from './policy.js';

/**
 * latest-only: any number of consumers, each gets the newest commit it has not seen; nothing is
 * pending, so the producer only waits (drain) for readers still inside the slot it reuses.
 */
export const latestOnly: SlotPolicy = Object.freeze<SlotPolicy>({
  pendingIsMask: false,
  markPending(): void {},
  blockers: (ctx, b) => bitsOf(Atomics.load(ctx.control, b + C_READERS_LO), Atomics.load(ctx.control, b + C_READERS_HI)),
  join(): void {},
  enter(ctx, cursor) {
    const n = Atomics.load(ctx.state, S_NEWEST);
    if (n === 0) return -1;
    const index = n - 1;
    const b = index * CONTROL_WORDS;
    if (Atomics.load(ctx.control, b + C_STATE) !== COMMITTED) return -1;
    const s = read64(ctx.control, b + C_SEQ_LO);
    if (s <= cursor.last || !tryEnter(ctx, index, s, cursor)) return -1;
    cursor.entered = s;
    return index;
  },
  release(): void {},
  position: (cursor) => cursor.last + 1,
  ended: (cursor, eos) => cursor.last >= eos - 1,
});
