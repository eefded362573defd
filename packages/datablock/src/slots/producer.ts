import { invalidArgument } from '../errors.js';
import { deadlineAfter } from '../timeouts.js';
import { checksumFunction } from './checksum.js';
import { RETRY_BOUND_MS } from '../participants/outcome.js';
import {
  COMMITTED, CONTROL_WORDS, C_CHECKSUM, C_FLAGS, C_LENGTH, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO,
  C_SEQ_LO, C_STATE, DRAINING, FREE, F_CHECKSUM, S_EOS, S_EOS_SEQ_LO, S_NEWEST, S_PRODUCER,
  S_PRODUCER_WAITERS, S_RELEASE_COUNTER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, S_WRITE_SEQ_LO, WRITING, ownedState, ownerOf, stateOf,
} from './constants.js';
import { SlotContext, bitsOf } from './context.js';
import { parseAcquire, parseEndpointOptions, type AcquireAsyncOptions, type AcquireOptions, type ProducerOptions } from './options.js';
import { read64, write64 } from './seq64.js';
import { waitAsync, waitSync, type WaitSpec } from './wait.js';
import { WriteSlot, type WriteSlotOwner } from './write-slot.js';

const POLICY_LATEST = 1;
const POLICY_SEQUENTIAL = 2;
const POLICY_SYNC = 3;

export function policyCode(policy: string): number {
  return policy === 'latest-only' ? POLICY_LATEST : policy === 'sequential' ? POLICY_SEQUENTIAL : POLICY_SYNC;
}

/**
 * The one writer of a block (single-threaded state: use it from one JS thread, one acquisition
 * at a time). Registered in the participants table with role 'producer'; the block-wide state
 * word S_PRODUCER names it, so a second live producer is refused (ERR_DATABLOCK_PRODUCER_EXISTS)
 * and a new producer replaces a dead one.
 */
export class Producer implements WriteSlotOwner {
  readonly #ctx: SlotContext;
  readonly #participant: number;
  readonly #tag: number;
  readonly #policy: number;
  readonly #slotSize: number;
  readonly #debug: boolean;
  readonly #checksum: ((data: Uint8Array) => number) | null;
  readonly #attempt: () => WriteSlot | null;
  readonly #spec: WaitSpec;
  readonly #views: Uint8Array[] = [];
  #seq: number;
  #held: WriteSlot | null = null;
  #asyncPending = false;
  #closed = false;
  #removeHook: () => void;

  /** @internal use block.producer() */
  constructor(ctx: SlotContext, options?: ProducerOptions) {
    const { debugViews, spinUs } = parseEndpointOptions(options, 'producer');
    this.#ctx = ctx;
    this.#debug = debugViews;
    this.#policy = policyCode(ctx.layout.policy);
    this.#slotSize = ctx.layout.slotSize;
    this.#checksum = ctx.layout.checksumPolicy === 'none' ? null : checksumFunction(ctx.layout.checksum);
    const p = ctx.block.register('producer');
    this.#participant = p;
    this.#tag = ctx.table.tokenOf(p);
    try {
      this.#claim();
    } catch (error) {
      ctx.block.unregister(p);
      throw error;
    }
    // Resume after the last commit. A predecessor that died between marking its slot COMMITTED
    // and advancing S_WRITE_SEQ left a committed slot with seq == S_WRITE_SEQ: skip past it.
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
    this.#attempt = () => {
      if (this.#closed) throw this.#closedError();
      return this.#step();
    };
    this.#spec = { spinUs, counter: S_RELEASE_COUNTER, waiters: S_PRODUCER_WAITERS, waiterBit: 1, onIdle: () => this.#reapDeadReaders() };
    this.#removeHook = ctx.block.onClose(() => this.close());
  }

  /**
   * Takes the producer word (the token of the block's one producer): free, or naming a
   * registration that is gone. A newcomer on a dead producer's entry has another token.
   */
  #claim(): void {
    const ctx = this.#ctx;
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

  /** Participant index of this producer in the block's participants table. */
  get participantIndex(): number {
    return this.#participant;
  }

  /** slotId the next acquired slot will get. */
  get nextSlotId(): number {
    return this.#seq;
  }

  get closed(): boolean {
    return this.#closed || this.#ctx.closed;
  }

  #closedError(): Error {
    return this.#ctx.error('ERR_DATABLOCK_CLOSED', `this producer of DataBlock '${this.#ctx.name}' is closed: create a new one with block.producer()`);
  }

  #check(what: string): void {
    if (this.#closed) throw this.#closedError();
    this.#ctx.checkOpen();
    if (this.#asyncPending) {
      throw this.#ctx.error('ERR_DATABLOCK_CONCURRENT_USE', `${what}: an acquireWriteSlotAsync() of this producer is still pending; a producer is single-threaded state: await it first`);
    }
    if (this.#held !== null) {
      throw this.#ctx.error('ERR_DATABLOCK_SLOT_HELD', `${what}: write slot ${this.#held.slotId} of this producer is not committed or aborted yet; commit(length) or abort() it first`);
    }
  }

  /** One attempt to take slot seq % slotCount; may move it COMMITTED -> DRAINING. */
  #step(): WriteSlot | null {
    const ctx = this.#ctx;
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
    const ctx = this.#ctx;
    const c = ctx.control;
    // length, checksum and flags are only meaningful once COMMITTED: commit writes them.
    write64(c, b + C_SEQ_LO, this.#seq);
    let data: Uint8Array;
    if (this.#debug) {
      data = new Uint8Array(ctx.mapping.buffer(ctx.layout.dataOffset + idx * ctx.layout.slotStride, this.#slotSize));
    } else {
      data = this.#views[idx] ?? (this.#views[idx] = ctx.block.slot(idx));
    }
    const slot = new WriteSlot(this, this.#seq, idx, data);
    this.#held = slot;
    return slot;
  }

  /** After a failed wait: give a slot we moved to DRAINING back to its readers. */
  #restoreDrain(): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const b = (this.#seq % ctx.slotCount) * CONTROL_WORDS;
    const draining = ownedState(DRAINING, this.#tag);
    if (Atomics.compareExchange(ctx.control, b + C_STATE, draining, COMMITTED) === draining) ctx.notifyConsumers();
  }

  /** Liveness check while waiting: drop the marks of readers that died (no outside help needed). */
  #reapDeadReaders(): void {
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const c = ctx.control;
    const b = (this.#seq % ctx.slotCount) * CONTROL_WORDS;
    const sync = this.#policy === POLICY_SYNC;
    const suspects = new Set(bitsOf(Atomics.load(c, b + C_READERS_LO), Atomics.load(c, b + C_READERS_HI)));
    if (sync) for (const p of bitsOf(Atomics.load(c, b + C_PENDING_LO), Atomics.load(c, b + C_PENDING_HI))) suspects.add(p);
    // 'busy' (another process is changing that entry) is retried at the next wait slice.
    for (const p of suspects) if (!ctx.isLive(p, 'consumer')) ctx.cleaner.reapConsumer(p, sync);
  }

  #timeout(timeoutMs: number): Error {
    const ctx = this.#ctx;
    const idx = this.#seq % ctx.slotCount;
    const why = this.#policy === POLICY_LATEST ? `readers still hold slot ${idx}` : `the ring is full (slot ${idx} is not consumed yet) or readers still hold it`;
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
    this.#check('acquireWriteSlot');
    const { timeoutMs } = parseAcquire(options);
    const first = this.#step();
    if (first !== null) return first;
    const got = timeoutMs === 0 ? null : waitSync(this.#ctx, this.#attempt, this.#spec, deadlineAfter(timeoutMs));
    if (got === null) {
      this.#restoreDrain();
      throw this.#timeout(timeoutMs);
    }
    return got;
  }

  /** One attempt: a slot, or null when the ring is full / the slot is held by readers. */
  tryAcquireWriteSlot(): WriteSlot | null {
    this.#check('tryAcquireWriteSlot');
    const got = this.#step();
    if (got === null) this.#restoreDrain();
    return got;
  }

  /** Like acquireWriteSlot without blocking the event loop (futexWaitAsync in slices <= 20 ms). */
  async acquireWriteSlotAsync(options?: AcquireAsyncOptions): Promise<WriteSlot> {
    this.#check('acquireWriteSlotAsync');
    const { timeoutMs, signal } = parseAcquire(options);
    const first = this.#step();
    if (first !== null) return first;
    this.#asyncPending = true;
    let got: WriteSlot | null;
    try {
      got = await waitAsync(this.#ctx, this.#attempt, this.#spec, deadlineAfter(timeoutMs), signal, () =>
        this.#ctx.error('ERR_DATABLOCK_ABORTED', `acquireWriteSlotAsync on DataBlock '${this.#ctx.name}' was aborted`, signal?.reason));
    } catch (error) {
      this.#restoreDrain();
      throw error;
    } finally {
      this.#asyncPending = false;
    }
    if (got === null) {
      this.#restoreDrain();
      throw this.#timeout(timeoutMs);
    }
    return got;
  }

  /** @internal */
  commitSlot(slot: WriteSlot, data: Uint8Array, length: number): void {
    const ctx = this.#ctx;
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
    if (this.#policy === POLICY_SEQUENTIAL) {
      Atomics.store(c, b + C_PENDING_LO, 1);
    } else if (this.#policy === POLICY_SYNC) {
      Atomics.store(c, b + C_PENDING_LO, Atomics.load(s, S_SYNC_ACTIVE_LO));
      Atomics.store(c, b + C_PENDING_HI, Atomics.load(s, S_SYNC_ACTIVE_HI));
      // A reader that left meanwhile cleared its active bit before its pending bits: drop it.
      Atomics.and(c, b + C_PENDING_LO, Atomics.load(s, S_SYNC_ACTIVE_LO));
      Atomics.and(c, b + C_PENDING_HI, Atomics.load(s, S_SYNC_ACTIVE_HI));
    }
    Atomics.store(c, b + C_STATE, COMMITTED);
    Atomics.store(s, S_NEWEST, idx + 1);
    const next = this.#seq + 1;
    this.#seq = next;
    write64(s, S_WRITE_SEQ_LO, next);
    this.#held = null;
    if (this.#debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
    ctx.notifyConsumers();
  }

  /** @internal */
  abortSlot(slot: WriteSlot, data: Uint8Array): void {
    const ctx = this.#ctx;
    this.#held = null;
    if (ctx.closed) return;
    const b = slot.index * CONTROL_WORDS;
    Atomics.store(ctx.control, b + C_STATE, FREE);
    if (this.#debug) ctx.mapping.detach(data.buffer as ArrayBuffer);
  }

  /**
   * Marks the end of the stream: consumers that have consumed every committed slot get
   * ERR_DATABLOCK_END_OF_STREAM (their async iterator ends). A new producer clears the mark.
   */
  end(): void {
    this.#check('end');
    const ctx = this.#ctx;
    write64(ctx.state, S_EOS_SEQ_LO, this.#seq);
    Atomics.store(ctx.state, S_EOS, 1);
    ctx.notifyConsumers();
  }

  /** Aborts a held slot, gives up the producer role and the participant entry. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#removeHook();
    const ctx = this.#ctx;
    if (ctx.closed) return;
    const held = this.#held;
    if (held !== null) held.abort();
    Atomics.compareExchange(ctx.state, S_PRODUCER, this.#tag, 0);
    ctx.block.unregister(this.#participant);
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
