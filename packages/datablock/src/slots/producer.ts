import { invalidArgument } from '../errors.js';
import { RETRY_BOUND_MS } from '../participants/outcome.js';
import { checksumFunction } from './checksum.js';
import {
  COMMITTED, CONTROL_WORDS, C_CHECKSUM, C_FLAGS, C_LENGTH, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO,
  C_SEQ_LO, C_STATE, DRAINING, FREE, F_CHECKSUM, S_EOS, S_EOS_SEQ_LO, S_NEWEST, S_PRODUCER, S_PRODUCER_WAITERS,
  S_RELEASE_COUNTER, S_WRITE_SEQ_LO, WRITING, ownedState, ownerOf, stateOf,
} from './constants.js';
import type { SlotContext } from './context.js';
import { Endpoint } from './endpoint.js';
import type { AcquireAsyncOptions, AcquireOptions, ProducerOptions } from './options.js';
import { read64, write64 } from './seq64.js';
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

  /** @internal use block.producer() */
  constructor(ctx: SlotContext, options?: ProducerOptions) {
    super(ctx, 'producer', options);
    this.#tag = ctx.table.tokenOf(this.participant);
    this.#slotSize = ctx.layout.slotSize;
    this.#checksum = ctx.layout.checksumPolicy === 'none' ? null : checksumFunction(ctx.layout.checksum);
    this.spec = this.waitSpec(S_RELEASE_COUNTER, S_PRODUCER_WAITERS, 1, () => this.#reapDeadReaders());
    this.setUp(() => {
      this.#claim();
      this.#resume();
    });
  }

  /** Takes the producer word: free, or naming a registration that is gone (cleaner.takeOver). */
  #claim(): void {
    const { ctx } = this;
    const outcome = ctx.cleaner.takeOver(S_PRODUCER, 'producer', this.#tag, false);
    if (outcome === 'alive') {
      const other = ctx.table.entryOf(Atomics.load(ctx.state, S_PRODUCER));
      throw ctx.error(
        'ERR_DATABLOCK_PRODUCER_EXISTS',
        `DataBlock '${ctx.name}' already has a live producer (pid ${other?.pid ?? '?'}, participant ${other?.index ?? '?'}): a block has one producer at a time; close the other one first`,
      );
    }
    if (outcome === 'busy') {
      throw ctx.error(
        'ERR_DATABLOCK_TIMEOUT',
        `DataBlock '${ctx.name}': the participant entry of the previous producer stayed locked by another thread for ${RETRY_BOUND_MS} ms; retry, or run block.cleanupDeadConsumers()`,
      );
    }
  }

  /**
   * Resumes after the last commit. A predecessor that died between marking its slot COMMITTED
   * and advancing S_WRITE_SEQ left a committed slot with seq == S_WRITE_SEQ: skip past it.
   */
  #resume(): void {
    const { ctx } = this;
    let seq = read64(ctx.state, S_WRITE_SEQ_LO);
    for (;;) {
      const b = (seq % ctx.slotCount) * CONTROL_WORDS;
      if (Atomics.load(ctx.control, b + C_STATE) === COMMITTED && read64(ctx.control, b + C_SEQ_LO) === seq) seq++;
      else break;
    }
    this.#seq = seq;
    write64(ctx.state, S_WRITE_SEQ_LO, seq);
    Atomics.store(ctx.state, S_EOS, 0);
    Atomics.store(ctx.state, S_PRODUCER_WAITERS, 0); // a predecessor may have died asleep
  }

  /** slotId the next acquired slot will get. */
  get nextSlotId(): number {
    return this.#seq;
  }

  #checkIdle(what: string): void {
    this.check(what, (slot) => `write slot ${slot.slotId} of this producer is not committed or aborted yet; commit(length) or abort() it first`);
  }

  protected attempt(): WriteSlot | null {
    if (this.isClosed) throw this.closedError();
    return this.#step();
  }

  /** One attempt to take slot seq % slotCount; may move it COMMITTED -> DRAINING. */
  #step(): WriteSlot | null {
    const { ctx } = this;
    const c = ctx.control;
    const idx = this.#seq % ctx.slotCount;
    const b = idx * CONTROL_WORDS;
    const word = Atomics.load(c, b + C_STATE);
    const writing = ownedState(WRITING, this.#tag);
    if (word === FREE) {
      if (Atomics.compareExchange(c, b + C_STATE, FREE, writing) !== FREE) return null;
      return this.#begin(idx, b);
    }
    const draining = ownedState(DRAINING, this.#tag);
    if (word === COMMITTED) {
      // Not consumed yet (sequential / sequential-sync): the ring is full, wait for readers.
      if ((Atomics.load(c, b + C_PENDING_LO) | Atomics.load(c, b + C_PENDING_HI)) !== 0) return null;
      if (Atomics.compareExchange(c, b + C_STATE, COMMITTED, draining) !== COMMITTED) return null;
    } else if (stateOf(word) === DRAINING && word !== draining) {
      // A drain a dead predecessor left (only the one live producer drains): take it over.
      if (Atomics.compareExchange(c, b + C_STATE, word, draining) !== word) return null;
    } else if (stateOf(word) === WRITING) {
      // Only a producer that died mid-write (or our own entry's earlier registration: this
      // producer holds no slot here) leaves a WRITING slot: reclaim it, then try again.
      if (ownerOf(word) === this.#tag) Atomics.compareExchange(c, b + C_STATE, word, FREE);
      else ctx.cleaner.reclaimSlot(idx, false);
      return null;
    }
    // DRAINING by us: new readers back out; wait for the ones inside to leave.
    if ((Atomics.load(c, b + C_READERS_LO) | Atomics.load(c, b + C_READERS_HI)) !== 0) return null;
    if (Atomics.compareExchange(c, b + C_STATE, draining, writing) !== draining) return null;
    return this.#begin(idx, b);
  }

  #begin(idx: number, b: number): WriteSlot {
    // length, checksum and flags are only meaningful once COMMITTED: commit writes them.
    write64(this.ctx.control, b + C_SEQ_LO, this.#seq);
    const slot = new WriteSlot(this, this.#seq, idx, this.view(idx, this.#slotSize));
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

  protected timeoutError(timeoutMs: number): Error {
    const { ctx } = this;
    const idx = this.#seq % ctx.slotCount;
    const why = ctx.layout.policy === 'latest-only' ? `readers still hold slot ${idx}` : `the ring is full (slot ${idx} is not consumed yet) or readers still hold it`;
    return ctx.error(
      'ERR_DATABLOCK_TIMEOUT',
      `acquireWriteSlot on DataBlock '${ctx.name}' timed out after ${timeoutMs} ms: ${why}; pass a longer timeoutMs, speed up the consumers, or see block.diagnose()`,
    );
  }

  /**
   * Acquires the next slot for writing, waiting (spin, then futex sleep) while the ring is full
   * or readers drain. Default timeout Infinity; 0 = do not block. Throws ERR_DATABLOCK_TIMEOUT.
   * Blocks the event loop while it waits: prefer acquireWriteSlotAsync in servers.
   */
  acquireWriteSlot(options?: AcquireOptions): WriteSlot {
    this.#checkIdle('acquireWriteSlot');
    return this.acquireSync(options);
  }

  /** One attempt: a slot, or null when the ring is full / the slot is held by readers. */
  tryAcquireWriteSlot(): WriteSlot | null {
    this.#checkIdle('tryAcquireWriteSlot');
    const got = this.#step();
    if (got === null) this.giveUp();
    return got;
  }

  /** Like acquireWriteSlot without blocking the event loop (futexWaitAsync in slices <= 20 ms). */
  async acquireWriteSlotAsync(options?: AcquireAsyncOptions): Promise<WriteSlot> {
    this.#checkIdle('acquireWriteSlotAsync');
    return this.acquireAsync(options);
  }

  /** @internal */
  commitSlot(slot: WriteSlot, data: Uint8Array, length: number): void {
    const { ctx } = this;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0 || length > this.#slotSize) {
      throw invalidArgument(`commit(length): length must be an integer from 0 to the slot size ${this.#slotSize}; got ${String(length)}`);
    }
    ctx.checkOpen();
    const c = ctx.control;
    const s = ctx.state;
    const idx = slot.index;
    const b = idx * CONTROL_WORDS;
    if (this.#checksum !== null) {
      Atomics.store(c, b + C_CHECKSUM, this.#checksum(length === data.length ? data : data.subarray(0, length)) | 0);
      Atomics.store(c, b + C_FLAGS, F_CHECKSUM);
    }
    Atomics.store(c, b + C_LENGTH, length);
    this.policy.markPending(ctx, b);
    Atomics.store(c, b + C_STATE, COMMITTED);
    Atomics.store(s, S_NEWEST, idx + 1);
    const next = this.#seq + 1;
    this.#seq = next;
    write64(s, S_WRITE_SEQ_LO, next);
    this.held = null;
    if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
    ctx.notifyConsumers();
  }

  /** @internal */
  abortSlot(slot: WriteSlot, data: Uint8Array): void {
    const { ctx } = this;
    this.held = null;
    if (ctx.closed) return;
    Atomics.store(ctx.control, slot.index * CONTROL_WORDS + C_STATE, FREE);
    if (this.debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
  }

  /**
   * Marks the end of the stream: consumers that have consumed every committed slot get
   * ERR_DATABLOCK_END_OF_STREAM (their async iterator ends). A new producer clears the mark.
   */
  end(): void {
    this.#checkIdle('end');
    const { ctx } = this;
    write64(ctx.state, S_EOS_SEQ_LO, this.#seq);
    Atomics.store(ctx.state, S_EOS, 1);
    ctx.notifyConsumers();
  }

  /** Aborts a held slot and gives up the producer word (then the entry: Endpoint.close). */
  protected leave(): void {
    this.held?.abort();
    Atomics.compareExchange(this.ctx.state, S_PRODUCER, this.#tag, 0);
  }
}
