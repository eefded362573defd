/**
 * Slot protocol constants: every shared word the protocol uses, as an i32 index.
 * The same tables are in LAYOUT.md ("Slot protocol").
 */

/**
 * Slot states (control word C_STATE). Transitions (who does them):
 *   FREE      -> WRITING    producer acquire (CAS)
 *   COMMITTED -> DRAINING   producer acquire when the slot is not pending (CAS); new readers back out
 *   DRAINING  -> WRITING    producer, once the slot's reader mask is 0
 *   DRAINING  -> COMMITTED  producer, when the drain times out (the old data stays readable)
 *   WRITING   -> COMMITTED  producer commit (length, checksum, pending set first)
 *   WRITING   -> FREE       producer abort; forceReclaimSlot of a dead writer's slot
 */
export const FREE = 0;
export const WRITING = 1;
export const COMMITTED = 2;
export const DRAINING = 3;
export const STATE_NAMES = ['FREE', 'WRITING', 'COMMITTED', 'DRAINING'] as const;
export type SlotStateName = (typeof STATE_NAMES)[number];
/**
 * The state word of a WRITING or DRAINING slot also names its producer: bits 0-1 the state,
 * bits 2-30 the producer's participant token (participants/table.ts). So a compare-exchange on
 * the word acts only if that very registration still holds the slot (forceReclaimSlot, a new
 * producer freeing a dead writer's slot), and a new producer on the same entry differs.
 */
export const STATE_MASK = 3;
export const stateOf = (word: number): number => word & STATE_MASK;
export const ownerOf = (word: number): number => word >>> 2;
export const ownedState = (state: number, token: number): number => (token << 2) | state;

/** Words of one slot control line (16 x i32 = 64 bytes). */
export const C_STATE = 0;
/** Word 1 is reserved (0): the writer is named in the state word (format version 3). */
/** slotId of the slot's content (u64 as lo/hi, see seq64.ts). Written while WRITING. */
export const C_SEQ_LO = 2;
export const C_SEQ_HI = 3;
/** Committed payload length in bytes. */
export const C_LENGTH = 4;
/** Checksum of data[0, length) (u32), valid when C_FLAGS has F_CHECKSUM. */
export const C_CHECKSUM = 5;
/** Reader mask: bit p set = participant p holds the slot (participants 0..31 lo, 32..63 hi). */
export const C_READERS_LO = 6;
export const C_READERS_HI = 7;
/**
 * Pending: the slot must be consumed before it may be rewritten.
 * sequential: lo = 1 until the consumer releases it. sequential-sync: the mask of sync readers
 * that have not consumed it yet (set at commit from the active-reader mask). latest-only: 0.
 */
export const C_PENDING_LO = 8;
export const C_PENDING_HI = 9;
/** Bit F_CHECKSUM: C_CHECKSUM holds a checksum. */
export const C_FLAGS = 10;
export const F_CHECKSUM = 1;
export const CONTROL_WORDS = 16;

/**
 * Block-wide state area (256 bytes = 64 x i32), zero at create. Futex words sit on separate
 * cache lines (line 0 is written by the producer, line 1 by consumers).
 */
/** Incremented by a commit (or end-of-stream) when consumers sleep; consumers futex-wait on it. */
export const S_COMMIT_COUNTER = 0;
/** Slot index + 1 of the newest commit (0 = none yet). */
export const S_NEWEST = 1;
/** Next slotId to commit (u64 lo/hi, seq64 protocol): the number of commits so far. */
export const S_WRITE_SEQ_LO = 2;
export const S_WRITE_SEQ_HI = 3;
/** Participant token of the producer (0 = none). */
export const S_PRODUCER = 4;
/** 1 when the producer ended the stream; S_EOS_SEQ_* = the number of slots in the stream. */
export const S_EOS = 5;
export const S_EOS_SEQ_LO = 6;
export const S_EOS_SEQ_HI = 7;
/** Incremented by a release / back-out / reader drop when the producer sleeps; it futex-waits on it. */
export const S_RELEASE_COUNTER = 16;
/**
 * 1 while the producer sleeps on S_RELEASE_COUNTER. Releases bump the counter and wake only when
 * it is non-zero. Line 3: written only by sleepers, so the fast path reads a clean shared line.
 * A new producer clears it (its predecessor may have died asleep).
 */
export const S_PRODUCER_WAITERS = 48;
/**
 * Mask of consumers sleeping on S_COMMIT_COUNTER (bit = participant index; lo, hi). A mask, not a
 * count, so the bit of a consumer killed while asleep is cleared with its other marks and commits
 * do not pay a wake syscall for ever.
 */
export const S_CONSUMER_WAITERS_LO = 49;
export const S_CONSUMER_WAITERS_HI = 50;
/** sequential: participant token of the one consumer (0 = none). */
export const S_SEQ_CONSUMER = 19;
/** sequential-sync: mask of registered sync readers (participants 0..31 lo, 32..63 hi). */
export const S_SYNC_ACTIVE_LO = 32;
export const S_SYNC_ACTIVE_HI = 33;

/**
 * Participant entry words owned by the slot protocol (6..15 of a 16-word entry).
 * Consumer: P_POS_* = next slotId it will read (latest-only: last seen + 1), for diagnose.
 * (The slot a consumer holds is its bit in the reader masks; the producer's position is S_WRITE_SEQ.)
 */
export const P_POS_LO = 8;
export const P_POS_HI = 9;
/**
 * Consumer: its participant token, stored once it has cleared the marks a dead predecessor on
 * its entry left. Reader bits of index p belong to the registration named here (diagnose).
 */
export const P_TOKEN = 10;

/** Reader masks are 64 bits: a consumer needs a participant index below this. */
export const MAX_READER_INDEX = 64;
/** sequential-sync supports at most this many registered readers at a time. */
export const MAX_SYNC_READERS = 32;

/** Waiting: spin on Atomics.load this long before sleeping in the kernel. */
export const SPIN_US = 50;
/**
 * ... and on, window after window, up to this long in all while the peer is awake (not asleep on
 * the block): a wake-up costs 60-400 us on small VMs, far more than the peer's next step.
 */
export const ACTIVE_SPIN_US = 1000;
/** Longest single futex sleep: bounds the reaction to dead participants (liveness check). */
export const WAIT_SLICE_MS = 20;
