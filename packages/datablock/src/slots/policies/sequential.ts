import { RETRY_BOUND_MS } from '../../participants/outcome.js';
import { COMMITTED, CONTROL_WORDS, C_PENDING_LO, C_READERS_HI, C_READERS_LO, C_SEQ_LO, C_STATE, S_SEQ_CONSUMER, S_WRITE_SEQ_LO } from '../constants.js';
import { bitsOf } from '../context.js';
import { read64 } from '../seq64.js';
import { enterInOrder, type SlotPolicy } from './policy.js';

/**
 * sequential: one consumer (named by its token in S_SEQ_CONSUMER), every slot in order; a commit
 * is pending until that consumer releases it, so the producer waits when the ring is full. A new
 * consumer replaces a dead one and continues at the oldest unconsumed slot.
 */
export const sequential: SlotPolicy = Object.freeze<SlotPolicy>({
  pendingIsMask: false,
  markPending(ctx, b): void {
    ctx.control[b + C_PENDING_LO] = 1; // WRITING: ours; published by the COMMITTED store
  },
  blockers: (ctx, b) => bitsOf(Atomics.load(ctx.control, b + C_READERS_LO), Atomics.load(ctx.control, b + C_READERS_HI)),
  join(ctx, cursor): void {
    const outcome = ctx.cleaner.takeOver(S_SEQ_CONSUMER, 'consumer', ctx.table.tokenOf(cursor.participant), false);
    if (outcome === 'alive') {
      const other = ctx.table.entryOf(Atomics.load(ctx.state, S_SEQ_CONSUMER));
      throw ctx.error(
        'ERR_DATABLOCK_POLICY',
        `DataBlock '${ctx.name}' has policy 'sequential', which allows one consumer, and participant ${other?.index ?? '?'} (pid ${other?.pid ?? '?'}) is it: close it first, or create the block with policy 'latest-only' or 'sequential-sync' for several readers`,
      );
    }
    if (outcome === 'busy') {
      throw ctx.error(
        'ERR_DATABLOCK_TIMEOUT',
        `DataBlock '${ctx.name}': the participant entry of the previous sequential consumer stayed locked by another thread for ${RETRY_BOUND_MS} ms; retry, or run block.cleanupDeadConsumers()`,
      );
    }
    // Continue at the oldest unconsumed slot; read S_WRITE_SEQ first so no commit falls between.
    let next = read64(ctx.state, S_WRITE_SEQ_LO);
    for (let i = 0; i < ctx.slotCount; i++) {
      const b = i * CONTROL_WORDS;
      if (Atomics.load(ctx.control, b + C_STATE) === COMMITTED && Atomics.load(ctx.control, b + C_PENDING_LO) !== 0) {
        const s = read64(ctx.control, b + C_SEQ_LO);
        if (s < next) next = s;
      }
    }
    cursor.next = next;
    cursor.last = next - 1;
  },
  enter: enterInOrder,
  release(ctx, b): void {
    // A plain store: the consumer then clears its reader bit (Atomics.and), and a producer that
    // sees pending 0 before that still finds the bit and drains (COMMITTED -> DRAINING).
    ctx.control[b + C_PENDING_LO] = 0;
  },
  position: (cursor) => cursor.next,
  ended: (cursor, eos) => cursor.next >= eos,
});
