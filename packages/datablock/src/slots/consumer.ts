import { isDataBlockError } from '../errors.js';
import { RETRY_BOUND_MS } from '../participants/outcome.js';
import { PARTICIPANT_WORDS, tokenIndex } from '../participants/table.js';
import { deadlineAfter } from '../timeouts.js';
import { checksumFunction } from './checksum.js';
import {
  COMMITTED, CONTROL_WORDS, C_CHECKSUM, C_FLAGS, C_LENGTH, C_PENDING_LO, C_READERS_LO, C_SEQ_LO, C_STATE, F_CHECKSUM,
  MAX_READER_INDEX, MAX_SYNC_READERS, P_POS_LO, S_COMMIT_COUNTER, S_CONSUMER_WAITERS_LO, S_EOS, S_EOS_SEQ_LO,
  S_NEWEST, S_PRODUCER, S_SEQ_CONSUMER, S_SYNC_ACTIVE_LO, S_WRITE_SEQ_LO, P_TOKEN,
} from './constants.js';
import { SlotContext, popcount } from './context.js';
import { parseAcquire, parseEndpointOptions, type AcquireAsyncOptions, type AcquireOptions, type ConsumerOptions } from './options.js';
import { policyCode } from './producer.js';
import { ReadSlot, type ReadSlotOwner } from './read-slot.js';
import { read64, write64 } from './seq64.js';
import { waitAsync, waitSync, type WaitSpec } from './wait.js';

const LATEST = 1;
const SEQUENTIAL = 2;
const SYNC = 3;

/**
 * A reader of a block (single-threaded state: its position and the one slot it may hold; use it
 * from one JS thread). Registered with role 'consumer'; its participant index p (< 64) is its bit
 * in the per-slot reader masks.
 *   latest-only: any number; each acquisition gets the newest commit this consumer has not seen.
 *   sequential: one consumer per block (ERR_DATABLOCK_POLICY otherwise); every slot, in order;
 *     a new consumer continues at the oldest unconsumed slot.
 *   sequential-sync: up to MAX_SYNC_READERS (32); every slot committed after it joined, in
 *     order; the producer waits for the slowest. It joins at the newest commit.
 */
export class Consumer implements ReadSlotOwner {
  readonly #ctx: SlotContext;
  readonly #participant: number;
  readonly #word: number;
  readonly #bit: number;
  readonly #policy: number;
  readonly #debug: boolean;
  readonly #checksum: ((data: Uint8Array) => number) | null;
  readonly #enforced: boolean;
  readonly #attempt: () => ReadSlot | null;
  readonly #spec: WaitSpec;
  readonly #views: Uint8Array[] = [];
  #next = 0;
  #last = -1;
  #held: ReadSlot | null = null;
  #asyncPending = false;
  #closed = false;
  #removeHook: () => void;

  /** @internal use block.consumer() */
  constructor(ctx: SlotContext, options?: ConsumerOptions) {
    const { debugViews, spinUs } = parseEndpointOptions(options, 'consumer');
    this.#ctx = ctx;
    this.#debug = debugViews;
    this.#policy = policyCode(ctx.layout.policy);
    this.#checksum = ctx.layout.checksumPolicy === 'none' ? null : checksumFunction(ctx.layout.checksum);
    this.#enforced = ctx.layout.checksumPolicy === 'enforced';
    const p = ctx.block.register('consumer');
    this.#participant = p;
    this.#word = p < 32 ? 0 : 1;
    this.#bit = 1 << (p & 31);
    try {
      if (p >= MAX_READER_INDEX) {
        throw ctx.error(
          'ERR_DATABLOCK_PARTICIPANTS_FULL',
          `DataBlock '${ctx.name}': a consumer needs one of the first ${MAX_READER_INDEX} participant entries (reader masks are 64 bits) and got entry ${p}; close other participants first`,
        );
      }
      // Marks a dead predecessor on this entry may have left behind are not ours: clear them.
      ctx.cleaner.clearConsumerMarks(p, this.#policy === SYNC);
      if (this.#policy === SEQUENTIAL) this.#joinSequential();
      else if (this.#policy === SYNC) this.#joinSync();
      // From here on the reader bits of index p are this registration's own (diagnose).
      Atomics.store(ctx.pwords, p * PARTICIPANT_WORDS + P_TOKEN, ctx.table.tokenOf(p));
    } catch (error) {
      ctx.block.unregister(p);
      throw error;
    }
    this.#publishPosition();
    this.#attempt = () => this.#attemptOrEnd();
    this.#spec = { spinUs, counter: S_COMMIT_COUNTER, waiters: S_CONSUMER_WAITERS_LO + this.#word, waiterBit: this.#bit };
    this.#removeHook = ctx.block.onClose(() => this.close());
  }

  #joinSequential(): void {
    const ctx = this.#ctx;
    const outcome = ctx.cleaner.takeOver(S_SEQ_CONSUMER, 'consumer', ctx.table.tokenOf(this.#participant), false);
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
    const c = ctx.control;
    for (let i = 0; i < ctx.slotCount; i++) {
      const b = i * CONTROL_WORDS;
      if (Atomics.load(c, b + C_STATE) === COMMITTED && Atomics.load(c, b + C_PENDING_LO) !== 0) {
        const s = read64(c, b + C_SEQ_LO);
        if (s < next) next = s;
      }
    }
    this.#next = next;
    this.#last = next - 1;
  }

  #joinSync(): void {
    const ctx = this.#ctx;
    const s = ctx.state;
    for (;;) {
      const lo = Atomics.load(s, S_SYNC_ACTIVE_LO);
      const hi = Atomics.load(s, S_SYNC_ACTIVE_LO + 1);
      if (popcount(lo) + popcount(hi) >= MAX_SYNC_READERS) {
        throw ctx.error(
          'ERR_DATABLOCK_POLICY',
          `DataBlock '${ctx.name}' (policy 'sequential-sync') already has ${MAX_SYNC_READERS} readers, the limit: close one first, or use policy 'latest-only' for more readers`,
        );
      }
      const old = this.#word === 0 ? lo : hi;
      if (Atomics.compareExchange(s, S_SYNC_ACTIVE_LO + this.#word, old, old | this.#bit) === old) break;
    }
    // Join at the newest commit (it is delivered if the ring still holds it).
    const w = read64(s, S_WRITE_SEQ_LO);
    this.#next = w > 0 ? w - 1 : 0;
    this.#last = this.#next - 1;
  }

  #publishPosition(): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    write64(ctx.pwords, this.#participant * PARTICIPANT_WORDS + P_POS_LO, this.#policy === LATEST ? this.#last + 1 : this.#next);
  }

  /** Participant index (its bit in the reader masks). */
  get participantIndex(): number {
    return this.#participant;
  }

  /** slotId of the last slot this consumer acquired (-1 before the first). */
  get lastConsumedSlotId(): number {
    return this.#last;
  }

  get closed(): boolean {
    return this.#closed || this.#ctx.closed;
  }

  /** True when the producer ended the stream and this consumer has consumed all of it. */
  get ended(): boolean {
    const s = this.#ctx.state;
    if (this.#ctx.closed || Atomics.load(s, S_EOS) !== 1) return false;
    const eos = read64(s, S_EOS_SEQ_LO);
    return this.#policy === LATEST ? this.#last >= eos - 1 : this.#next >= eos;
  }

  #check(what: string): void {
    if (this.#closed) throw this.#closedError();
    this.#ctx.checkOpen();
    if (this.#asyncPending) {
      throw this.#ctx.error('ERR_DATABLOCK_CONCURRENT_USE', `${what}: an acquireConsumeSlotAsync() of this consumer is still pending; a consumer is single-threaded state: await it first (or use one consumer per concurrent reader)`);
    }
    if (this.#held !== null) {
      throw this.#ctx.error('ERR_DATABLOCK_SLOT_HELD', `${what}: slot ${this.#held.slotId} of this consumer is not released yet; release() it first (a consumer holds one slot at a time)`);
    }
  }

  #closedError(): Error {
    return this.#ctx.error('ERR_DATABLOCK_CLOSED', `this consumer of DataBlock '${this.#ctx.name}' is closed: create a new one with block.consumer()`);
  }

  #endError(): Error {
    return this.#ctx.error('ERR_DATABLOCK_END_OF_STREAM', `the producer of DataBlock '${this.#ctx.name}' ended the stream and this consumer has consumed all of it`);
  }

  #attemptOrEnd(): ReadSlot | null {
    if (this.#closed) throw this.#closedError();
    const got = this.#step();
    if (got === null && this.ended) throw this.#endError();
    return got;
  }

  /** One attempt to take the next slot; the reader mark is taken first, then state and seq re-checked. */
  #step(): ReadSlot | null {
    const ctx = this.#ctx;
    const c = ctx.control;
    const readers = C_READERS_LO + this.#word;
    if (this.#policy === LATEST) {
      const n = Atomics.load(ctx.state, S_NEWEST);
      if (n === 0) return null;
      const idx = n - 1;
      const b = idx * CONTROL_WORDS;
      if (Atomics.load(c, b + C_STATE) !== COMMITTED) return null;
      const s = read64(c, b + C_SEQ_LO);
      if (s <= this.#last) return null;
      Atomics.or(c, b + readers, this.#bit);
      if (Atomics.load(c, b + C_STATE) !== COMMITTED || read64(c, b + C_SEQ_LO) !== s) {
        Atomics.and(c, b + readers, ~this.#bit);
        ctx.notifyProducer();
        return null;
      }
      return this.#take(idx, b, s);
    }
    for (;;) {
      const next = this.#next;
      const idx = next % ctx.slotCount;
      const b = idx * CONTROL_WORDS;
      if (Atomics.load(c, b + C_STATE) !== COMMITTED) return null;
      const s = read64(c, b + C_SEQ_LO);
      if (s < next) return null;
      if (s > next) {
        // Lapped: only a sync reader joining while the producer overtakes it (or a forced
        // cleanup) gets here. Skip the lost slot.
        this.#next = next + 1;
        continue;
      }
      Atomics.or(c, b + readers, this.#bit);
      if (Atomics.load(c, b + C_STATE) !== COMMITTED || read64(c, b + C_SEQ_LO) !== next) {
        Atomics.and(c, b + readers, ~this.#bit);
        ctx.notifyProducer();
        return null;
      }
      this.#next = next + 1;
      return this.#take(idx, b, s);
    }
  }

  #take(idx: number, b: number, s: number): ReadSlot {
    const ctx = this.#ctx;
    const c = ctx.control;
    const length = Atomics.load(c, b + C_LENGTH);
    this.#last = s;
    let data: Uint8Array;
    if (this.#debug) {
      data = new Uint8Array(ctx.mapping.buffer(ctx.layout.dataOffset + idx * ctx.layout.slotStride, length));
    } else {
      const view = this.#views[idx] ?? (this.#views[idx] = ctx.block.slot(idx));
      data = view.subarray(0, length);
    }
    let ok: boolean | undefined;
    if (this.#checksum === null || (Atomics.load(c, b + C_FLAGS) & F_CHECKSUM) === 0) ok = true;
    const slot = new ReadSlot(this, s, idx, data, ok);
    this.#held = slot;
    if (this.#enforced && ok === undefined && !slot.checksumOk) {
      slot.release();
      throw ctx.error(
        'ERR_DATABLOCK_CHECKSUM_MISMATCH',
        `slot ${s} (index ${idx}) of DataBlock '${ctx.name}' does not match its checksum: the payload is corrupt and was skipped (released as consumed); acquire again for the next slot`,
      );
    }
    return slot;
  }

  /** @internal */
  verifySlot(slot: ReadSlot, data: Uint8Array): boolean {
    if (this.#checksum === null) return true;
    const ctx = this.#ctx;
    const b = slot.index * CONTROL_WORDS;
    if ((Atomics.load(ctx.control, b + C_FLAGS) & F_CHECKSUM) === 0) return true;
    return this.#checksum(data) === Atomics.load(ctx.control, b + C_CHECKSUM) >>> 0;
  }

  /** @internal */
  releaseSlot(slot: ReadSlot, data: Uint8Array): void {
    this.#held = null;
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const c = ctx.control;
    const b = slot.index * CONTROL_WORDS;
    if (this.#policy === SEQUENTIAL) Atomics.store(c, b + C_PENDING_LO, 0);
    else if (this.#policy === SYNC) Atomics.and(c, b + C_PENDING_LO + this.#word, ~this.#bit);
    Atomics.and(c, b + C_READERS_LO + this.#word, ~this.#bit);
    const base = this.#participant * PARTICIPANT_WORDS;
    write64(ctx.pwords, base + P_POS_LO, this.#policy === LATEST ? this.#last + 1 : this.#next);
    if (this.#debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
    ctx.notifyProducer();
  }

  #timeout(timeoutMs: number): Error {
    const ctx = this.#ctx;
    return ctx.error('ERR_DATABLOCK_TIMEOUT', `acquireConsumeSlot on DataBlock '${ctx.name}' timed out after ${timeoutMs} ms: nothing new was committed and ${this.#producerStatus()}`);
  }

  /** Why nothing may come: the state of the producer word, for timeout messages. */
  #producerStatus(): string {
    const ctx = this.#ctx;
    const tag = Atomics.load(ctx.state, S_PRODUCER);
    if (tag === 0) return 'no producer is attached; start one, or pass a longer timeoutMs';
    const entry = ctx.table.entryOf(tag);
    if (entry !== undefined && entry.alive && entry.role === 'producer') {
      return `the producer (pid ${entry.pid}) is alive; pass a longer timeoutMs, or see block.diagnose()`;
    }
    return `the producer (participant ${tokenIndex(tag)}${entry === undefined ? '' : `, pid ${entry.pid}`}) is dead; start a replacement producer, which resumes the stream`;
  }

  /**
   * Acquires the next slot (see the policy above), waiting (spin ~50 us, then futex sleep) until
   * one is committed. Default timeout Infinity; 0 = do not block. Throws ERR_DATABLOCK_TIMEOUT,
   * ERR_DATABLOCK_END_OF_STREAM, ERR_DATABLOCK_CHECKSUM_MISMATCH (enforced; the slot is skipped).
   */
  acquireConsumeSlot(options?: AcquireOptions): ReadSlot {
    this.#check('acquireConsumeSlot');
    const { timeoutMs } = parseAcquire(options);
    const first = this.#attemptOrEnd();
    if (first !== null) return first;
    const got = timeoutMs === 0 ? null : waitSync(this.#ctx, this.#attempt, this.#spec, deadlineAfter(timeoutMs));
    if (got === null) throw this.#timeout(timeoutMs);
    return got;
  }

  /** One attempt: a slot, or null when nothing new is committed (also at end of stream: see `ended`). */
  tryAcquireConsumeSlot(): ReadSlot | null {
    this.#check('tryAcquireConsumeSlot');
    return this.#step();
  }

  /** Like acquireConsumeSlot without blocking the event loop (futexWaitAsync slices <= 20 ms). */
  async acquireConsumeSlotAsync(options?: AcquireAsyncOptions): Promise<ReadSlot> {
    this.#check('acquireConsumeSlotAsync');
    const { timeoutMs, signal } = parseAcquire(options);
    const first = this.#attemptOrEnd();
    if (first !== null) return first;
    this.#asyncPending = true;
    let got: ReadSlot | null;
    try {
      got = await waitAsync(this.#ctx, this.#attempt, this.#spec, deadlineAfter(timeoutMs), signal, () =>
        this.#ctx.error('ERR_DATABLOCK_ABORTED', `acquireConsumeSlotAsync on DataBlock '${this.#ctx.name}' was aborted`, signal?.reason));
    } finally {
      this.#asyncPending = false;
    }
    if (got === null) throw this.#timeout(timeoutMs);
    return got;
  }

  /**
   * `for await (const slot of consumer)`: yields each slot and releases it when the loop body
   * finishes (or breaks). Ends when the consumer or block is closed or the stream ended.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<ReadSlot, void, undefined> {
    for (;;) {
      if (this.closed) return;
      let slot: ReadSlot;
      try {
        slot = await this.acquireConsumeSlotAsync();
      } catch (error) {
        if (isDataBlockError(error, 'ERR_DATABLOCK_END_OF_STREAM') || isDataBlockError(error, 'ERR_DATABLOCK_CLOSED')) return;
        throw error;
      }
      try {
        yield slot;
      } finally {
        if (slot.active) slot.release();
      }
    }
  }

  /** Releases a held slot, clears this reader's marks, unregisters. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#removeHook();
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const held = this.#held;
    if (held !== null) held.release();
    ctx.cleaner.clearConsumerMarks(this.#participant, this.#policy === SYNC);
    ctx.block.unregister(this.#participant);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
