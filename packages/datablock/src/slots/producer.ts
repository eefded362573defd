import { invalidArgument } from '../errors.js';
import { checksumFunction } from './checksum.js';
import {
  COMMITTED, CONTROL_WORDS, C_CHECKSUM, C_FLAGS, C_LENGTH, C_STATE, DRAINING, F_CHECKSUM, S_CONSUMER_WAITERS_HI, S_CONSUMER_WAITERS_LO,
  S_EOS, S_EOS_SEQ_LO, S_NEWEST, S_PRODUCER, S_PRODUCER_WAITERS, S_RELEASE_COUNTER, S_WRITE_SEQ_LO, ownedState,
} from './constants.js';
import type { SlotContext } from './context.js';
import { Endpoint } from './endpoint.js';
import { acquireTimeout, checkBatchArgs, type AcquireAsyncOptions, type AcquireOptions, type ProducerOptions, type SlotFiller } from './options.js';
import { write64 } from './seq64.js';
import { producerTimeout } from './messages.js';
import { claimProducerWord, resumeStream, takeSlot } from './producer-word.js';
import type { WaitSpec } from './wait.js';
import { WriteSlot, type WriteSlotOwner } from './write-slot.js';

/**
 * The one writer of a block: the acquire / commit / abort path (policy-free: the block's policy
 * strategy says what a commit leaves pending and which readers can hold it up). Single-threaded
 * state: use it from one JS thread, one acquisition at a time. Its token in S_PRODUCER refuses a
 * second live producer (ERR_DATABLOCK_PRODUCER_EXISTS) and lets a new producer replace a dead one.
 */
export class Producer extends Endpoint<WriteSlot> implements WriteSlotOwner {
  readonly #tag: number;
  readonly #slotSize: number;
  readonly #checksum: ((data: Uint8Array) => number) | null;
  protected readonly spec: WaitSpec;
  #seq = 0;
  /** writeBatch: the slot being filled, and the newest committed slot not yet published (-1: none). */
  #filling = -1;
  #unpublished = -1;

  /** @internal use block.producer() */
  constructor(ctx: SlotContext, options?: ProducerOptions) {
    super(ctx, 'producer', options);
    this.#tag = this.token;
    this.#slotSize = ctx.layout.slotSize;
    this.#checksum = ctx.layout.checksumPolicy === 'none' ? null : checksumFunction(ctx.layout.checksum);
    // The consumers are awake while none sleeps on the commit counter.
    const consumersAwake = () => (Atomics.load(ctx.state, S_CONSUMER_WAITERS_LO) | Atomics.load(ctx.state, S_CONSUMER_WAITERS_HI)) === 0;
    this.spec = this.waitSpec(S_RELEASE_COUNTER, S_PRODUCER_WAITERS, 1, consumersAwake, () => this.#reapDeadReaders());
    this.setUp(() => {
      claimProducerWord(ctx, this.#tag);
      this.#seq = resumeStream(ctx);
    });
  }

  /** slotId the next acquired slot will get. */
  get nextSlotId(): number {
    return this.#seq;
  }

  protected enterNext(_spinning: boolean): number {
    if (this.isClosed) throw this.closedError();
    return takeSlot(this.ctx, this.#seq, this.#tag);
  }

  protected hold(index: number): WriteSlot {
    const slot = new WriteSlot(this, this.#seq, index, this.view(index, this.#slotSize));
    this.held = slot;
    return slot;
  }


  /** After a failed wait: give a slot we moved to DRAINING back to its readers. */
  protected giveUp(): void {
    const { ctx } = this;
    if (ctx.closed) return;
    const b = (this.#seq % ctx.slotCount) * CONTROL_WORDS;
    const draining = ownedState(DRAINING, this.#tag);
    if (Atomics.compareExchange(ctx.control, b + C_STATE, draining, COMMITTED) === draining) ctx.notifyConsumers();
  }

  /** Liveness check while waiting: drop the marks of readers that died (no outside help needed). */
  #reapDeadReaders(): void {
    const { ctx } = this;
    if (ctx.closed) return;
    const b = (this.#seq % ctx.slotCount) * CONTROL_WORDS;
    // 'busy' (another thread is changing that entry) is retried at the next wait slice.
    for (const p of this.policy.blockers(ctx, b)) if (!ctx.isLive(p, 'consumer')) ctx.cleaner.reapConsumer(p, this.policy.pendingIsMask);
  }

  protected timeoutError(timeoutMs: number, what: string): Error {
    return producerTimeout(this.ctx, this.#seq % this.ctx.slotCount, what, timeoutMs);
  }

  /**
   * Acquires the next slot for writing, waiting (spin, then futex sleep) while the ring is full
   * or readers drain. Default timeout Infinity; 0 = do not block. Throws ERR_DATABLOCK_TIMEOUT.
   * Blocks the event loop while it waits: prefer acquireWriteSlotAsync in servers.
   */
  acquireWriteSlot(options?: AcquireOptions): WriteSlot {
    this.check('acquireWriteSlot');
    return this.acquireSync(options);
  }

  /** One attempt: a slot, or null when the ring is full / the slot is held by readers. */
  tryAcquireWriteSlot(): WriteSlot | null {
    this.check('tryAcquireWriteSlot');
    const index = takeSlot(this.ctx, this.#seq, this.#tag);
    if (index >= 0) return this.hold(index);
    this.giveUp();
    return null;
  }

  /** Like acquireWriteSlot without blocking the event loop (futexWaitAsync in slices <= 20 ms). */
  async acquireWriteSlotAsync(options?: AcquireAsyncOptions): Promise<WriteSlot> {
    this.check('acquireWriteSlotAsync');
    return this.acquireAsync(options);
  }

  /** @internal */
  commitSlot(slot: WriteSlot, data: Uint8Array, length: number): void {
    this.#checkLength(length, 'commit(length)');
    const { ctx } = this;
    ctx.checkOpen();
    this.#commit(slot.index, data, length);
    this.held = null;
    this.#publish(slot.index);
    if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
  }

  #checkLength(length: number, what: string): void {
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > this.#slotSize) {
      throw invalidArgument(`${what}: length must be an integer from 0 to the slot size ${this.#slotSize}; got ${String(length)}`);
    }
  }

  /** Marks WRITING slot `idx` COMMITTED with data[0, length) (consumers can take it from now on). */
  #commit(idx: number, data: Uint8Array, length: number): void {
    const { ctx } = this;
    const c = ctx.control;
    const b = idx * CONTROL_WORDS;
    // Length, checksum and flags belong to this producer while the slot is WRITING: plain
    // stores, published to readers by the seq-cst store of COMMITTED below (a reader loads the
    // state with Atomics.load first, so these writes happen-before its reads).
    if (this.#checksum !== null) {
      c[b + C_CHECKSUM] = this.#checksum(length === data.length ? data : data.subarray(0, length));
      c[b + C_FLAGS] = F_CHECKSUM;
    }
    c[b + C_LENGTH] = length;
    this.policy.markPending(ctx, b);
    Atomics.store(c, b + C_STATE, COMMITTED);
    this.#seq++;
  }

  /** Publishes the commits so far (newest = slot `idx`): S_NEWEST, S_WRITE_SEQ, one wake. */
  #publish(idx: number): void {
    const { ctx } = this;
    Atomics.store(ctx.state, S_NEWEST, idx + 1);
    write64(ctx.state, S_WRITE_SEQ_LO, this.#seq);
    ctx.notifyConsumers();
  }

  /**
   * Writes up to `count` slots (an integer >= 1) with one publish, in the manner of the
   * Disruptor's batches: waits like acquireWriteSlot (same timeout convention) until one slot
   * is free, then takes every slot free now, up to `count`. For each, `fill(data, i)` writes
   * the slot's `data` (zero-copy, slotSize bytes, valid only inside the call) and returns the
   * length to commit. Each slot is committed when its fill returns; the newest-slot and
   * write-sequence words and the consumers' wake-up are written once, at the end.
   * Returns the number of slots written. If `fill` throws (or returns a bad length), that slot
   * is aborted, the ones before it stay committed and are published, and the error propagates.
   */
  writeBatch(count: number, fill: SlotFiller, options?: AcquireOptions): number {
    this.check('writeBatch');
    checkBatchArgs(count, fill, 'writeBatch', 'fill');
    const first = this.taken(this.enterSync(acquireTimeout(options), 'writeBatch'));
    return this.inBatch(() => this.#fillFrom(first, count, fill));
  }

  /** Like writeBatch without blocking the event loop while it waits for the first slot. */
  async writeBatchAsync(count: number, fill: SlotFiller, options?: AcquireAsyncOptions): Promise<number> {
    this.check('writeBatchAsync');
    checkBatchArgs(count, fill, 'writeBatchAsync', 'fill');
    const first = this.taken(await this.enterAsync(options, 'writeBatchAsync'));
    return this.inBatch(() => this.#fillFrom(first, count, fill));
  }

  #fillFrom(first: number, count: number, fill: SlotFiller): number {
    const { ctx } = this;
    let idx = first;
    let n = 0;
    try {
      for (;;) {
        const data = this.view(idx, this.#slotSize);
        let length: number;
        this.#filling = idx;
        try {
          length = fill(data, n);
          this.#checkLength(length, 'writeBatch fill() return value');
          if (this.isClosed) throw this.closedError();
          ctx.checkOpen();
        } catch (error) {
          this.abortSlot(null, data);
          throw error;
        } finally {
          this.#filling = -1;
        }
        this.#commit(idx, data, length);
        this.#unpublished = idx;
        if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
        if (++n === count) break;
        idx = takeSlot(this.ctx, this.#seq, this.#tag);
        if (idx < 0) {
          this.giveUp();
          break;
        }
      }
    } finally {
      if (this.#unpublished >= 0 && !this.isClosed && !ctx.closed) this.#publish(this.#unpublished); // (else leave() did)
      this.#unpublished = -1;
    }
    return n;
  }

  /** @internal (slot null: the batch's slot at the current sequence) */
  abortSlot(slot: WriteSlot | null, data: Uint8Array): void {
    const { ctx } = this;
    this.held = null;
    if (ctx.closed) return;
    this.freeOwn(slot === null ? this.#seq % ctx.slotCount : slot.index);
    if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
  }

  /**
   * Marks the end of the stream: consumers that have consumed every committed slot get
   * ERR_DATABLOCK_END_OF_STREAM (their async iterator ends). A new producer clears the mark.
   */
  end(): void {
    this.check('end');
    const { ctx } = this;
    write64(ctx.state, S_EOS_SEQ_LO, this.#seq);
    Atomics.store(ctx.state, S_EOS, 1);
    ctx.notifyConsumers();
  }

  /** Aborts a held slot and gives up the producer word (then the entry: Endpoint.close). */
  protected leave(): void {
    this.held?.abort();
    // close() from inside a writeBatch fill: free the slot being filled, publish the batch's commits.
    if (this.#filling >= 0) this.freeOwn(this.#filling);
    if (this.#unpublished >= 0) this.#publish(this.#unpublished);
    Atomics.compareExchange(this.ctx.state, S_PRODUCER, this.#tag, 0);
  }
}
