import { DataBlockError, closedError, type DataBlockErrorCode } from '../errors.js';
import type { BlockLayout } from '../layout/validate.js';
import type { NativeMapping } from '../native.js';
import { PARTICIPANT_WORDS, ROLE_CODES, type MarksOutcome, type ParticipantRole, type ParticipantTable } from '../participants.js';
import {
  CONTROL_WORDS, MAX_READER_INDEX, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, S_CONSUMER_WAITERS_HI, S_CONSUMER_WAITERS_LO, S_COMMIT_COUNTER,
  S_PRODUCER_WAITERS, S_RELEASE_COUNTER, S_SEQ_CONSUMER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO,
} from './constants.js';

/**
 * What a block hands its endpoints and recovery calls (DataBlock builds it; this layer never
 * imports DataBlock). The views are made once at create/attach and detached by close().
 */
export interface BlockAccess {
  readonly name: string;
  readonly layout: BlockLayout;
  readonly mapping: NativeMapping;
  /** Block-wide protocol state, STATE_SIZE bytes as i32. */
  readonly state: Int32Array;
  /** Slot control array: slotCount entries of 16 i32 (one cache line each). */
  readonly control: Int32Array;
  readonly participants: ParticipantTable;
  /** Payload view of slot i (made once, cached; length slotSize). */
  slot(index: number): Uint8Array;
  /** Registers this process in another role (e.g. 'producer'); returns the entry index. */
  register(role: ParticipantRole): number;
  unregister(index: number): void;
  /** Runs `fn` at the start of block.close() (while still open); returns a remover. */
  onClose(fn: () => void): () => void;
  isClosed(): boolean;
}

/**
 * The slot protocol's view of one block: the words and views an endpoint needs, resolved once,
 * and the protocol steps several endpoints share (notify, reap a consumer's marks).
 */
export class SlotContext {
  readonly block: BlockAccess;
  readonly name: string;
  readonly layout: BlockLayout;
  readonly mapping: NativeMapping;
  readonly state: Int32Array;
  readonly control: Int32Array;
  readonly table: ParticipantTable;
  readonly pwords: Int32Array;
  readonly slotCount: number;

  constructor(block: BlockAccess) {
    this.block = block;
    this.name = block.name;
    this.layout = block.layout;
    this.mapping = block.mapping;
    this.state = block.state;
    this.control = block.control;
    this.table = block.participants;
    this.pwords = this.table.words;
    this.slotCount = this.layout.slotCount;
  }

  get closed(): boolean {
    return this.block.isClosed();
  }

  checkOpen(): void {
    if (this.block.isClosed()) throw closedError('DataBlock', this.name);
  }

  /** Byte offset of state word `i` in the mapping (for futex calls). */
  stateByteOffset(i: number): number {
    return this.layout.stateOffset + i * 4;
  }

  error(code: DataBlockErrorCode, message: string, cause?: unknown): DataBlockError {
    return new DataBlockError(code, message, { name: this.name, kind: 'DataBlock', cause });
  }

  /** After a release, back-out or reader drop: tell a waiting producer. */
  notifyProducer(): void {
    // A sleeper raises the waiters word BEFORE its last attempt (wait.ts), so when we read 0
    // here our change happened before that attempt and it sees it: no bump, no syscall needed.
    const s = this.state;
    if (Atomics.load(s, S_PRODUCER_WAITERS) === 0) return;
    Atomics.add(s, S_RELEASE_COUNTER, 1);
    this.mapping.futexWake(this.stateByteOffset(S_RELEASE_COUNTER), 0x7fffffff);
  }

  /** After a commit or end-of-stream: wake sleeping consumers (no syscall when none sleeps). */
  notifyConsumers(): void {
    const s = this.state;
    if ((Atomics.load(s, S_CONSUMER_WAITERS_LO) | Atomics.load(s, S_CONSUMER_WAITERS_HI)) === 0) return;
    Atomics.add(s, S_COMMIT_COUNTER, 1);
    this.mapping.futexWake(this.stateByteOffset(S_COMMIT_COUNTER), 0x7fffffff);
  }

  /** True iff participant `p` is an active, live entry with role `role`. */
  isLive(p: number, role: 'producer' | 'consumer'): boolean {
    const w = this.pwords;
    const base = p * PARTICIPANT_WORDS;
    if (p < 0 || p >= this.table.capacity) return false;
    if (Atomics.load(w, base) !== 2 || Atomics.load(w, base + 1) !== ROLE_CODES[role]) return false;
    return this.table.entry(p)?.alive === true;
  }

  /**
   * Clears the marks of consumer participant `p` (clearConsumerBits) unless `p` is a live
   * consumer, with the entry's marks lock held so that a consumer registering on entry `p`
   * meanwhile cannot lose its marks: how every reaper of someone else's marks clears them.
   */
  reapConsumer(p: number, pendingIsMask: boolean): MarksOutcome {
    return this.table.clearMarksIfAbandoned(p, 'consumer', () => { this.clearConsumerBits(p, pendingIsMask); });
  }

  /**
   * Clears every trace of consumer participant `p` in the slot protocol: its reader bits and
   * pending bits in every slot, its sync-active bit, its waiter bit, the sequential consumer word. Called directly only
   * for this process's own entry (a consumer closing, or a new consumer clearing what a dead
   * predecessor on its entry left) or when forced; marks of other entries go through
   * reapConsumer. Returns how many slot reader marks were cleared.
   */
  clearConsumerBits(p: number, pendingIsMask: boolean): number {
    if (!(p >= 0 && p < MAX_READER_INDEX)) {
      // No reader bits exist for such an index (a corrupt sequential-consumer word): only the word.
      Atomics.compareExchange(this.state, S_SEQ_CONSUMER, p + 1, 0);
      return 0;
    }
    const c = this.control;
    const word = p < 32 ? 0 : 1;
    const bit = 1 << (p & 31);
    let cleared = 0;
    // Active bit first: a commit that read the active mask before this point ANDs its pending
    // bits with the active mask after storing them; one that read it later sees us gone.
    Atomics.and(this.state, (word === 0 ? S_SYNC_ACTIVE_LO : S_SYNC_ACTIVE_HI), ~bit);
    for (let i = 0; i < this.slotCount; i++) {
      const b = i * CONTROL_WORDS;
      const prev = Atomics.and(c, b + C_READERS_LO + word, ~bit);
      if (prev & bit) cleared++;
      if (pendingIsMask) Atomics.and(c, b + C_PENDING_LO + word, ~bit);
    }
    Atomics.and(this.state, S_CONSUMER_WAITERS_LO + word, ~bit);
    Atomics.compareExchange(this.state, S_SEQ_CONSUMER, p + 1, 0);
    this.notifyProducer();
    return cleared;
  }
}

export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Participant indexes of the bits set in a lo/hi mask pair. */
export function bitsOf(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 32; i++) if (lo & (1 << i)) out.push(i);
  for (let i = 0; i < 32; i++) if (hi & (1 << i)) out.push(32 + i);
  return out;
}

/** `C_PENDING_*` / `C_READERS_*` exported for recovery code. */
export { C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO };
