import { isDataBlockError } from '../errors.js';
import { PARTICIPANT_WORDS } from '../participants/table.js';
import { checksumFunction } from './checksum.js';
import {
  CONTROL_WORDS, C_CHECKSUM, C_FLAGS, C_LENGTH, C_READERS_LO, F_CHECKSUM, MAX_READER_INDEX, P_POS_LO, P_TOKEN,
  S_COMMIT_COUNTER, S_CONSUMER_WAITERS_LO, S_EOS, S_EOS_SEQ_LO, S_PRODUCER, S_PRODUCER_WAITERS,
} from './constants.js';
import type { SlotContext } from './context.js';
import { Endpoint } from './endpoint.js';
import { acquireTimeout, checkBatchArgs, type AcquireAsyncOptions, type AcquireOptions, type ConsumerOptions, type SlotVisitor } from './options.js';
import type { Cursor } from './policies/index.js';
import { ReadSlot, type ReadSlotOwner } from './read-slot.js';
import { read64, writeOwned64 } from './seq64.js';
import { checksumMismatch, consumerTimeout, readerIndexError } from './messages.js';
import type { WaitSpec } from './wait.js';

/**
 * A reader of a block: the acquire / verify / release path (policy-free: the block's policy
 * strategy joins it and finds its next slot). Single-threaded state (its position and the one
 * slot it may hold; use it from one JS thread). Its participant index p (< 64) is its bit in the
 * per-slot reader masks.
 *   latest-only: any number; each acquisition gets the newest commit this consumer has not seen.
 *   sequential: one consumer per block (ERR_DATABLOCK_POLICY otherwise); every slot, in order;
 *     a new consumer continues at the oldest unconsumed slot.
 *   sequential-sync: up to MAX_SYNC_READERS (32); every slot committed after it joined, in
 *     order; the producer waits for the slowest. It joins at the newest commit.
 */
export class Consumer extends Endpoint<ReadSlot> implements ReadSlotOwner {
  readonly #cursor: Cursor;
  readonly #checksum: ((data: Uint8Array) => number) | null;
  readonly #enforced: boolean;
  #misses = 0;
  #visiting = -1; // readBatch: the slot being visited (-1: none) and its view
  #visitingData: Uint8Array | undefined;
  protected readonly spec: WaitSpec;

  /** @internal use block.consumer() */
  constructor(ctx: SlotContext, options?: ConsumerOptions) {
    super(ctx, 'consumer', options);
    const p = this.participant;
    this.#cursor = { next: 0, last: -1, entered: -1, published: 0, participant: p, word: p < 32 ? 0 : 1, bit: 1 << (p & 31) };
    this.#checksum = ctx.layout.checksumPolicy === 'none' ? null : checksumFunction(ctx.layout.checksum);
    this.#enforced = ctx.layout.checksumPolicy === 'enforced';
    // The producer is awake while one is attached and it does not sleep on the release counter.
    const producerAwake = () => Atomics.load(ctx.state, S_PRODUCER) !== 0 && Atomics.load(ctx.state, S_PRODUCER_WAITERS) === 0;
    this.spec = this.waitSpec(S_COMMIT_COUNTER, S_CONSUMER_WAITERS_LO + this.#cursor.word, this.#cursor.bit, producerAwake);
    this.setUp(() => {
      if (p >= MAX_READER_INDEX) throw readerIndexError(ctx, p);
      // Marks a dead predecessor on this entry may have left behind are not ours: clear them.
      ctx.cleaner.clearConsumerMarks(p, this.policy.pendingIsMask);
      this.policy.join(ctx, this.#cursor);
      // From here on the reader bits of index p are this registration's own (diagnose).
      Atomics.store(ctx.pwords, p * PARTICIPANT_WORDS + P_TOKEN, ctx.table.tokenOf(p));
      this.#publishPosition();
    });
  }

  #publishPosition(): void {
    if (this.ctx.closed) return;
    writeOwned64(this.ctx.pwords, this.participant * PARTICIPANT_WORDS + P_POS_LO, this.policy.position(this.#cursor));
  }

  /** slotId of the last slot this consumer acquired (-1 before the first). */
  get lastConsumedSlotId(): number {
    return this.#cursor.last;
  }

  /** True when the producer ended the stream and this consumer has consumed all of it. */
  get ended(): boolean {
    const s = this.ctx.state;
    if (this.ctx.closed || Atomics.load(s, S_EOS) !== 1) return false;
    return this.policy.ended(this.#cursor, read64(s, S_EOS_SEQ_LO));
  }

  protected enterNext(spinning: boolean): number {
    if (this.isClosed) throw this.closedError();
    const index = this.policy.enter(this.ctx, this.#cursor);
    // The end-of-stream words share a cache line with the words every commit writes: a
    // spinning consumer reads them on one miss in 16 only, so it does not slow the producer.
    if (index < 0 && (!spinning || (++this.#misses & 15) === 0) && this.ended) {
      throw this.ctx.error('ERR_DATABLOCK_END_OF_STREAM', `the producer of DataBlock '${this.ctx.name}' ended the stream and this consumer has consumed all of it`);
    }
    return index;
  }

  /** The committed bytes of entered slot `idx` (cursor.last := its slotId). */
  #data(idx: number): Uint8Array {
    this.#cursor.last = this.#cursor.entered;
    return this.view(idx, Atomics.load(this.ctx.control, idx * CONTROL_WORDS + C_LENGTH));
  }

  /** true when the slot carries no checksum (or the block has none); undefined = to verify. */
  #unchecked(idx: number): true | undefined {
    if (this.#checksum === null || (Atomics.load(this.ctx.control, idx * CONTROL_WORDS + C_FLAGS) & F_CHECKSUM) === 0) return true;
    return undefined;
  }

  protected hold(idx: number): ReadSlot {
    const data = this.#data(idx);
    const slotId = this.#cursor.last;
    const slot = new ReadSlot(this, slotId, idx, data, this.#unchecked(idx));
    this.held = slot;
    if (this.#enforced && !slot.checksumOk) {
      slot.release();
      throw checksumMismatch(this.ctx, slotId, idx, 'acquire again for the next slot');
    }
    return slot;
  }

  /**
   * Takes every committed slot available now, up to `max` (>= 1), in order (the Disruptor's batch
   * read): waits like acquireConsumeSlot for the first, then calls `visit(data, slotId,
   * checksumOk)` for each and releases the slot when visit returns (`data` is valid only inside
   * the call). Checksums are verified per slot ('enforced': a mismatch skips the slot and throws
   * after the slots before it); a throwing visit releases its slot as consumed. latest-only: at
   * most the newest slot. Position and wake-up once, at the end. Returns the slots visited.
   */
  readBatch(max: number, visit: SlotVisitor, options?: AcquireOptions): number {
    this.check('readBatch');
    checkBatchArgs(max, visit, 'readBatch', 'visit');
    const first = this.taken(this.enterSync(acquireTimeout(options), 'readBatch'));
    return this.inBatch(() => this.#visitFrom(first, max, visit));
  }

  /** Like readBatch without blocking the event loop while it waits for the first slot. */
  async readBatchAsync(max: number, visit: SlotVisitor, options?: AcquireAsyncOptions): Promise<number> {
    this.check('readBatchAsync');
    checkBatchArgs(max, visit, 'readBatchAsync', 'visit');
    const first = this.taken(await this.enterAsync(options, 'readBatchAsync'));
    return this.inBatch(() => this.#visitFrom(first, max, visit));
  }

  #visitFrom(first: number, max: number, visit: SlotVisitor): number {
    const { ctx } = this;
    let idx = first;
    let n = 0;
    try {
      for (;;) {
        const data = this.#data(idx);
        const slotId = this.#cursor.last;
        const ok = this.#unchecked(idx) ?? this.#verify(idx, data);
        this.#visiting = idx;
        this.#visitingData = data;
        try {
          if (!ok && this.#enforced) throw checksumMismatch(this.ctx, slotId, idx, `the ${n} slots before it in this readBatch were delivered`);
          visit(data, slotId, ok);
        } finally {
          if (this.#visiting === idx) this.#release(idx, data); // (else a close() in visit did: leave())
          this.#visiting = -1;
        }
        // latest-only: one slot, the newest (commits made during visit are for the next call)
        if (++n === max || this.isClosed || ctx.closed || ctx.layout.policy === 'latest-only') break;
        idx = this.policy.enter(ctx, this.#cursor);
        if (idx < 0) break;
      }
    } finally {
      if (!ctx.closed && !this.isClosed) {
        this.#publishPosition();
        ctx.notifyProducer();
      }
    }
    return n;
  }

  /** @internal */
  verifySlot(slot: ReadSlot, data: Uint8Array): boolean {
    return this.#unchecked(slot.index) ?? this.#verify(slot.index, data);
  }

  #verify(idx: number, data: Uint8Array): boolean {
    return this.#checksum!(data) === Atomics.load(this.ctx.control, idx * CONTROL_WORDS + C_CHECKSUM) >>> 0;
  }

  /** @internal */
  releaseSlot(slot: ReadSlot, data: Uint8Array): void {
    this.held = null;
    const { ctx } = this;
    if (ctx.closed) return;
    this.#release(slot.index, data);
    this.#publishPosition();
    ctx.notifyProducer();
  }

  /** Clears what marks slot `idx` as held / still to be consumed by this consumer. */
  #release(idx: number, data: Uint8Array): void {
    const { ctx } = this;
    if (ctx.closed) return;
    const b = idx * CONTROL_WORDS;
    this.policy.release(ctx, b, this.#cursor);
    Atomics.and(ctx.control, b + C_READERS_LO + this.#cursor.word, ~this.#cursor.bit);
    if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
  }

  protected timeoutError(timeoutMs: number, what: string): Error {
    return consumerTimeout(this.ctx, what, timeoutMs);
  }

  /**
   * Acquires the next slot (see the policy above), waiting (spin ~50 us, then futex sleep) until
   * one is committed. Default timeout Infinity; 0 = do not block. Throws ERR_DATABLOCK_TIMEOUT,
   * ERR_DATABLOCK_END_OF_STREAM, ERR_DATABLOCK_CHECKSUM_MISMATCH (enforced; the slot is skipped).
   */
  acquireConsumeSlot(options?: AcquireOptions): ReadSlot {
    this.check('acquireConsumeSlot');
    return this.acquireSync(options);
  }

  /** One attempt: a slot, or null when nothing new is committed (also at end of stream: see `ended`). */
  tryAcquireConsumeSlot(): ReadSlot | null {
    this.check('tryAcquireConsumeSlot');
    const index = this.policy.enter(this.ctx, this.#cursor);
    return index < 0 ? null : this.hold(index);
  }

  /** Like acquireConsumeSlot without blocking the event loop (futexWaitAsync slices <= 20 ms). */
  async acquireConsumeSlotAsync(options?: AcquireAsyncOptions): Promise<ReadSlot> {
    this.check('acquireConsumeSlotAsync');
    return this.acquireAsync(options);
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

  /** Releases a held slot and clears this reader's marks (then the entry: Endpoint.close). */
  protected leave(): void {
    this.held?.release();
    if (this.#visiting >= 0) this.#release(this.#visiting, this.#visitingData!); // close() inside a readBatch visit
    this.#visiting = -1;
    this.ctx.cleaner.clearConsumerMarks(this.participant, this.policy.pendingIsMask);
  }
}
