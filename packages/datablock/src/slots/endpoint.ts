import type { DataBlockError } from '../errors.js';
import { deadlineAfter } from '../timeouts.js';
import { CONTROL_WORDS, C_READERS_LO, C_STATE, FREE, WAIT_SLICE_MS, WRITING, ownedState } from './constants.js';
import type { SlotContext } from './context.js';
import { acquireTimeout, parseAcquire, parseEndpointOptions, type AcquireAsyncOptions, type AcquireOptions, type EndpointOptions } from './options.js';
import { policyFor, type SlotPolicy } from './policies/index.js';
import { waitAsync, waitSync, type Attempt, type WaitSpec } from './wait.js';

type Role = 'producer' | 'consumer';
const NOUN: Record<Role, { acquire: string; create: string; held: string }> = {
  producer: { acquire: 'acquireWriteSlot', create: 'block.producer()', held: 'of this producer is not committed or aborted yet; commit(length) or abort() it first' },
  consumer: { acquire: 'acquireConsumeSlot', create: 'block.consumer()', held: 'of this consumer is not released yet; release() it first (a consumer holds one slot at a time)' },
};

/**
 * What Producer and Consumer share: the participant entry of their role (given back if setting
 * up fails, and on close), the block's policy strategy, single-threaded use (one acquisition at a
 * time, no call while an async acquire is pending), the slot views, and the sync / try / async
 * acquire flow over the one wait (wait.ts) with its timeout convention.
 */
export abstract class Endpoint<S extends { readonly slotId: number }> {
  protected readonly ctx: SlotContext;
  protected readonly participant: number;
  /** This registration's token (entry + generation): its entry may be someone else's after close. */
  protected readonly token: number;
  protected readonly policy: SlotPolicy;
  protected readonly debug: boolean;
  protected readonly spinUs: number;
  protected held: S | null = null;
  readonly #role: Role;
  readonly #views: Uint8Array[] = [];
  #asyncPending = false;
  #batch = false;
  /**
   * The slot an attempt entered (reader bit set / WRITING by us) that the caller has not taken
   * yet: an async call resumes a microtask later. Calls are refused meanwhile; close() undoes it.
   */
  #entered = -1;
  #closed = false;
  #removeHook: () => void = () => {};

  protected constructor(ctx: SlotContext, role: Role, options: EndpointOptions | undefined) {
    const { debugViews, spinUs } = parseEndpointOptions(options, role);
    this.ctx = ctx;
    this.#role = role;
    this.debug = debugViews;
    this.spinUs = spinUs;
    this.policy = policyFor(ctx.layout.policy);
    this.participant = ctx.block.register(role);
    this.token = ctx.table.tokenOf(this.participant);
  }

  /** Runs the role's set-up; on failure gives the entry back. Then close() follows block.close(). */
  protected setUp(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.ctx.block.unregister(this.participant);
      throw error;
    }
    this.#removeHook = this.ctx.block.onClose(() => this.close());
  }

  /** Participant index of this endpoint in the block's participants table. */
  get participantIndex(): number {
    return this.participant;
  }

  get closed(): boolean {
    return this.#closed || this.ctx.closed;
  }

  protected get isClosed(): boolean {
    return this.#closed;
  }

  protected closedError(): DataBlockError {
    return this.ctx.error('ERR_DATABLOCK_CLOSED', `this ${this.#role} of DataBlock '${this.ctx.name}' is closed: create a new one with ${NOUN[this.#role].create}`);
  }

  /** Refuses a call on a closed endpoint, during a pending async acquire, or while a slot is held. */
  protected check(what: string): void {
    if (this.#closed) throw this.closedError();
    this.ctx.checkOpen();
    if (this.#asyncPending || this.#entered >= 0) {
      throw this.ctx.error('ERR_DATABLOCK_CONCURRENT_USE', `${what}: an ${NOUN[this.#role].acquire}Async() of this ${this.#role} is still pending; a ${this.#role} is single-threaded state: await it first`);
    }
    if (this.held !== null) throw this.ctx.error('ERR_DATABLOCK_SLOT_HELD', `${what}: ${this.#role === 'producer' ? 'write ' : ''}slot ${this.held.slotId} ${NOUN[this.#role].held}`);
    if (this.#batch) throw this.ctx.error('ERR_DATABLOCK_CONCURRENT_USE', `${what}: called from inside a batch callback of this ${this.#role}; return from the callback first`);
  }

  /** Payload view of slot `index`: the cached one, or (debugViews) a fresh one detached on release. */
  protected view(index: number, length: number): Uint8Array {
    const { ctx } = this;
    if (this.debug) return new Uint8Array(ctx.mapping.buffer(ctx.layout.dataOffset + index * ctx.layout.slotStride, length));
    const v = this.#views[index] ?? (this.#views[index] = ctx.block.slot(index));
    return length === v.length ? v : v.subarray(0, length);
  }

  /** The wait spec on state word `counter`, announcing itself in `waiters` with `bit`. */
  protected waitSpec(counter: number, waiters: number, bit: number, peerAwake: () => boolean, onIdle?: () => void): WaitSpec {
    const { ctx } = this;
    return {
      mapping: ctx.mapping, words: ctx.state, word: counter, byteOffset: ctx.stateByteOffset(counter),
      enter: () => { Atomics.or(ctx.state, waiters, bit); },
      leave: () => { Atomics.and(ctx.state, waiters, ~bit); },
      spinUs: this.spinUs, sliceMs: WAIT_SLICE_MS, peerAwake, onIdle,
      isClosed: () => ctx.closed,
      checkOpen: () => { ctx.checkOpen(); },
    };
  }

  /**
   * One attempt to take the role's next slot: its ring index, or -1 to keep waiting. May throw
   * (closed, end of stream). Allocates nothing: the single-slot and the batch calls share it.
   */
  protected abstract enterNext(spinning: boolean): number;
  /** Wraps an entered slot as the handle the single-slot API returns (and holds it). */
  protected abstract hold(index: number): S;
  protected abstract readonly spec: WaitSpec;
  /** Undo what a failed acquire left (a producer's drain). */
  protected giveUp(): void {}
  /** The timeout error of call `what` (acquireWriteSlot, readBatch, ...). */
  protected abstract timeoutError(timeoutMs: number, what: string): Error;

  /** enterNext() as the wait's attempt (made once: no closure per acquire). */
  readonly #attempt: Attempt<number> = (spinning) => {
    const index = this.enterNext(spinning === true);
    if (index < 0) return null;
    this.#entered = index;
    return index;
  };

  /** The caller takes the entered slot: refused when close() ran in between (it undid the entry). */
  protected taken(index: number): number {
    if (this.#closed) throw this.closedError();
    this.ctx.checkOpen();
    this.#entered = -1;
    return index;
  }

  /** A producer's own WRITING slot back to FREE (a CAS: by now a new producer may hold it). */
  protected freeOwn(index: number): void {
    Atomics.compareExchange(this.ctx.control, index * CONTROL_WORDS + C_STATE, ownedState(WRITING, this.token), FREE);
  }

  /** Waits (spin, then futex slices) for enterNext() to succeed; the slot index. */
  protected enterSync(timeoutMs: number, what = NOUN[this.#role].acquire): number {
    const got = this.#attempt() ?? (timeoutMs === 0 ? null : waitSync(this.#attempt, this.spec, deadlineAfter(timeoutMs)));
    if (got !== null) return got;
    this.giveUp();
    throw this.timeoutError(timeoutMs, what);
  }

  /** Like enterSync without blocking the event loop; rejects with ERR_DATABLOCK_ABORTED on abort. */
  protected async enterAsync(options: AcquireAsyncOptions | undefined, what = `${NOUN[this.#role].acquire}Async`): Promise<number> {
    const { timeoutMs, signal } = parseAcquire(options);
    const first = this.#attempt();
    if (first !== null) return first;
    this.#asyncPending = true;
    let got: number | null;
    try {
      got = await waitAsync(this.#attempt, this.spec, deadlineAfter(timeoutMs), signal, () =>
        this.ctx.error('ERR_DATABLOCK_ABORTED', `${what} on DataBlock '${this.ctx.name}' was aborted`, signal?.reason));
    } catch (error) {
      this.giveUp();
      throw error;
    } finally {
      this.#asyncPending = false;
    }
    if (got !== null) return got;
    this.giveUp();
    throw this.timeoutError(timeoutMs, what);
  }

  protected acquireSync(options: AcquireOptions | undefined): S {
    return this.hold(this.taken(this.enterSync(acquireTimeout(options))));
  }

  protected async acquireAsync(options: AcquireAsyncOptions | undefined): Promise<S> {
    return this.hold(this.taken(await this.enterAsync(options)));
  }

  /** Runs a batch body; calls made from inside it (fill / visit callbacks) are refused. */
  protected inBatch<T>(body: () => T): T {
    this.#batch = true;
    try {
      return body();
    } finally {
      this.#batch = false;
    }
  }

  /** Gives up what the role holds (leave), then the participant entry. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#removeHook();
    if (this.ctx.closed) return;
    if (this.#entered >= 0) {
      // Entered by an async call that has not resumed yet: give the slot back unread/unwritten.
      if (this.#role === 'producer') this.freeOwn(this.#entered);
      else {
        const p = this.participant;
        Atomics.and(this.ctx.control, this.#entered * CONTROL_WORDS + C_READERS_LO + (p < 32 ? 0 : 1), ~(1 << (p & 31)));
        this.ctx.notifyProducer();
      }
      this.#entered = -1;
    }
    this.leave();
    this.ctx.block.unregister(this.participant);
  }

  protected abstract leave(): void;

  [Symbol.dispose](): void {
    this.close();
  }
}
