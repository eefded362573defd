import { isDataBlockError } from '../errors.js';
import { PARTICIPANT_WORDS, tokenIndex } from '../participants/table.js';
import { checksumFunction } from './checksum.js';
import {
  CONTROL_WORDS, C_CHECKSUM, C_FLAGS, C_LENGTH, C_READERS_LO, F_CHECKSUM, MAX_READER_INDEX, P_POS_LO, P_TOKEN,
  S_COMMIT_COUNTER, S_CONSUMER_WAITERS_LO, S_EOS, S_EOS_SEQ_LO, S_PRODUCER,
} from './constants.js';
import type { SlotContext } from './context.js';
import { Endpoint } from './endpoint.js';
import type { AcquireAsyncOptions, AcquireOptions, ConsumerOptions } from './options.js';
import type { Cursor } from './policies/index.js';
import { ReadSlot, type ReadSlotOwner } from './read-slot.js';
import { read64, write64 } from './seq64.js';
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
  protected readonly spec: WaitSpec;

  /** @internal use block.consumer() */
  constructor(ctx: SlotContext, options?: ConsumerOptions) {
    super(ctx, 'consumer', options);
    const p = this.participant;
    this.#cursor = { next: 0, last: -1, participant: p, word: p < 32 ? 0 : 1, bit: 1 << (p & 31) };
    this.#checksum = ctx.layout.checksumPolicy === 'none' ? null : checksumFunction(ctx.layout.checksum);
    this.#enforced = ctx.layout.checksumPolicy === 'enforced';
    this.spec = this.waitSpec(S_COMMIT_COUNTER, S_CONSUMER_WAITERS_LO + this.#cursor.word, this.#cursor.bit);
    this.setUp(() => {
      if (p >= MAX_READER_INDEX) {
        throw ctx.error(
          'ERR_DATABLOCK_PARTICIPANTS_FULL',
          `DataBlock '${ctx.name}': a consumer needs one of the first ${MAX_READER_INDEX} participant entries (reader masks are 64 bits) and got entry ${p}; close other participants first`,
        );
      }
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
    write64(this.ctx.pwords, this.participant * PARTICIPANT_WORDS + P_POS_LO, this.policy.position(this.#cursor));
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

  #checkIdle(what: string): void {
    this.check(what, (slot) => `slot ${slot.slotId} of this consumer is not released yet; release() it first (a consumer holds one slot at a time)`);
  }

  protected attempt(): ReadSlot | null {
    if (this.isClosed) throw this.closedError();
    const got = this.#step();
    if (got === null && this.ended) {
      throw this.ctx.error('ERR_DATABLOCK_END_OF_STREAM', `the producer of DataBlock '${this.ctx.name}' ended the stream and this consumer has consumed all of it`);
    }
    return got;
  }

  #step(): ReadSlot | null {
    const entered = this.policy.enter(this.ctx, this.#cursor);
    return entered === null ? null : this.#take(entered.index, entered.slotId);
  }

  #take(idx: number, s: number): ReadSlot {
    const { ctx } = this;
    const c = ctx.control;
    const b = idx * CONTROL_WORDS;
    this.#cursor.last = s;
    const data = this.view(idx, Atomics.load(c, b + C_LENGTH));
    let ok: boolean | undefined;
    if (this.#checksum === null || (Atomics.load(c, b + C_FLAGS) & F_CHECKSUM) === 0) ok = true;
    const slot = new ReadSlot(this, s, idx, data, ok);
    this.held = slot;
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
    const c = this.ctx.control;
    const b = slot.index * CONTROL_WORDS;
    if ((Atomics.load(c, b + C_FLAGS) & F_CHECKSUM) === 0) return true;
    return this.#checksum(data) === Atomics.load(c, b + C_CHECKSUM) >>> 0;
  }

  /** @internal */
  releaseSlot(slot: ReadSlot, data: Uint8Array): void {
    this.held = null;
    const { ctx } = this;
    if (ctx.closed) return;
    const b = slot.index * CONTROL_WORDS;
    this.policy.release(ctx, b, this.#cursor);
    Atomics.and(ctx.control, b + C_READERS_LO + this.#cursor.word, ~this.#cursor.bit);
    this.#publishPosition();
    if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
    ctx.notifyProducer();
  }

  protected timeoutError(timeoutMs: number): Error {
    const { ctx } = this;
    return ctx.error('ERR_DATABLOCK_TIMEOUT', `acquireConsumeSlot on DataBlock '${ctx.name}' timed out after ${timeoutMs} ms: nothing new was committed and ${this.#producerStatus()}`);
  }

  /** Why nothing may come: the state of the producer word, for timeout messages. */
  #producerStatus(): string {
    const { ctx } = this;
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
    this.#checkIdle('acquireConsumeSlot');
    return this.acquireSync(options);
  }

  /** One attempt: a slot, or null when nothing new is committed (also at end of stream: see `ended`). */
  tryAcquireConsumeSlot(): ReadSlot | null {
    this.#checkIdle('tryAcquireConsumeSlot');
    return this.#step();
  }

  /** Like acquireConsumeSlot without blocking the event loop (futexWaitAsync slices <= 20 ms). */
  async acquireConsumeSlotAsync(options?: AcquireAsyncOptions): Promise<ReadSlot> {
    this.#checkIdle('acquireConsumeSlotAsync');
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
    this.ctx.cleaner.clearConsumerMarks(this.participant, this.policy.pendingIsMask);
  }
}
