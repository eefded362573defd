import { C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, MAX_SYNC_READERS, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, S_WRITE_SEQ_LO } from '../constants.js';
import { bitsOf, popcount } from '../context.js';
import { read64 } from '../seq64.js';
import { enterInOrder, type SlotPolicy } from './policy.js';

/**
 * sequential-sync: up to MAX_SYNC_READERS registered readers (the sync-active mask), each at its
 * own position, every slot committed after it joined; a commit is pending for every active
 * reader (a mask), so the producer waits for the slowest, and a dead reader's pending bits are
 * cleared with its other marks.
 */
export const sequentialSync: SlotPolicy = Object.freeze<SlotPolicy>({
  pendingIsMask: true,
  markPending(ctx, b): void {
    const c = ctx.control;
    const s = ctx.state;
    Atomics.store(c, b + C_PENDING_LO, Atomics.load(s, S_SYNC_ACTIVE_LO));
    Atomics.store(c, b + C_PENDING_HI, Atomics.load(s, S_SYNC_ACTIVE_HI));
    // A reader that left meanwhile cleared its active bit before its pending bits: drop it.
    Atomics.and(c, b + C_PENDING_LO, Atomics.load(s, S_SYNC_ACTIVE_LO));
    Atomics.and(c, b + C_PENDING_HI, Atomics.load(s, S_SYNC_ACTIVE_HI));
  },
  blockers(ctx, b) {
    const c = ctx.control;
    const out = new Set(bitsOf(Atomics.load(c, b + C_READERS_LO), Atomics.load(c, b + C_READERS_HI)));
    for (const p of bitsOf(Atomics.load(c, b + C_PENDING_LO), Atomics.load(c, b + C_PENDING_HI))) out.add(p);
    return [...out];
  },
  join(ctx, cursor): void {
    const s = ctx.state;
    for (;;) {
      const lo = Atomics.load(s, S_SYNC_ACTIVE_LO);
      const hi = Atomics.load(s, S_SYNC_ACTIVE_HI);
      if (popcount(lo) + popcount(hi) >= MAX_SYNC_READERS) {
        throw ctx.error(
          'ERR_DATABLOCK_POLICY',
          `DataBlock '${ctx.name}' (policy 'sequential-sync') already has ${MAX_SYNC_READERS} readers, the limit: close one first, or use policy 'latest-only' for more readers`,
        );
      }
      const old = cursor.word === 0 ? lo : hi;
      if (Atomics.compareExchange(s, S_SYNC_ACTIVE_LO + cursor.word, old, old | cursor.bit) === old) break;
    }
    // Join at the newest commit (it is delivered if the ring still holds it).
    const w = read64(s, S_WRITE_SEQ_LO);
    cursor.next = w > 0 ? w - 1 : 0;
    cursor.last = cursor.next - 1;
  },
  enter: enterInOrder,
  release(ctx, b, cursor): void {
    Atomics.and(ctx.control, b + C_PENDING_LO + cursor.word, ~cursor.bit);
  },
  position: (cursor) => cursor.next,
  ended: (cursor, eos) => cursor.next >= eos,
});
