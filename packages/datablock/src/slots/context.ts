import { DataBlockError, closedError, type DataBlockErrorCode } from '../errors.js';
import type { BlockLayout } from '../layout/validate.js';
import type { NativeMapping } from '../native.js';
import { Cleaner } from '../participants/cleaner.js';
import type { ParticipantRole, ParticipantTable } from '../participants/table.js';
import { S_CONSUMER_WAITERS_HI, S_CONSUMER_WAITERS_LO, S_COMMIT_COUNTER, S_PRODUCER_WAITERS, S_RELEASE_COUNTER } from './constants.js';

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
  /** Clears what dead participants left (the one place that does). */
  readonly cleaner: Cleaner;

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
    this.cleaner = new Cleaner(this);
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

  /** True iff entry `p` is active, of role `role`, and its thread is alive (reads /proc). */
  isLive(p: number, role: 'producer' | 'consumer'): boolean {
    const e = this.table.entry(p);
    return e !== undefined && e.role === role && e.alive;
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
