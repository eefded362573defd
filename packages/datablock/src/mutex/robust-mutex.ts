// RobustMutex: lock, tryLock, lockAsync, unlock, withLock, guard over a robust process-shared
// pthread mutex record in a mapping (the block's, or a DataBlockMutex's own segment).
import { DataBlockError, closedError, invalidArgument } from '../errors.js';
import { abortedError, deadlockError, mutexLabel, nativeFailure, notOwnerError, notRecoverableError, timeoutError } from './mutex-errors.js';
import { decodeMutexWord, type LockAsyncOptions, type LockOptions, type LockResult, type MutexContext, type MutexGuard, type MutexState } from './mutex-types.js';
export { decodeMutexWord } from './mutex-types.js';
export type { LockAsyncOptions, LockOptions, LockResult, MutexContext, MutexGuard, MutexState } from './mutex-types.js';
import { MUTEX_GENERATION_OFFSET, MUTEX_RECORD_SIZE, MUTEX_WAITERS_OFFSET } from '../layout/constants.js';
import { native, type NativeMapping } from '../native.js';
import { waitAsync, type WaitSpec } from '../slots/wait.js';
import { deadlineAfter, normalizeTimeout } from '../timeouts.js';

const NOT_RECOVERED: LockResult = Object.freeze({ recovered: false });
const RECOVERED: LockResult = Object.freeze({ recovered: true });
/** Longest single async sleep: bounds the reaction to an owner that died without unlocking. */
export const ASYNC_SLICE_MS = 50;

const GEN = MUTEX_GENERATION_OFFSET / 4;
/** glibc x86-64: `__kind` is the fifth 32-bit word of pthread_mutex_t (offset 16). */
const GLIBC_KIND_WORD = 4;
const GLIBC_ROBUST_PSHARED_ERRORCHECK = 146;
const GLIBC_X64_KIND_CHECK = process.platform === 'linux' && process.arch === 'x64' && native.pthreadMutexSize === 40;
const WAITERS = MUTEX_WAITERS_OFFSET / 4;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * A robust, process-shared pthread mutex in a mapped record (see MUTEX_RECORD_SIZE).
 * Ownership is per thread (pthread): every lock is taken on the calling JS thread; lockAsync
 * try-locks and sleeps on the unlock-generation word between attempts (never on a worker).
 */
export class RobustMutex {
  readonly #mapping: NativeMapping;
  readonly #offset: number;
  readonly #words: Int32Array;
  readonly #ctx: MutexContext;
  readonly #spec: WaitSpec;
  #held = false;

  /** @internal */
  constructor(mapping: NativeMapping, recordOffset: number, ctx: MutexContext) {
    this.#mapping = mapping;
    this.#offset = recordOffset;
    this.#words = new Int32Array(mapping.buffer(recordOffset, MUTEX_RECORD_SIZE));
    this.#ctx = ctx;
    this.#validateRecord();
    const words = this.#words;
    // lockAsync sleeps on the unlock generation (the one wait of the package, slots/wait.ts).
    this.#spec = {
      mapping, words, word: GEN, byteOffset: recordOffset + MUTEX_GENERATION_OFFSET,
      enter: () => { Atomics.add(words, WAITERS, 1); },
      leave: () => { Atomics.sub(words, WAITERS, 1); },
      spinUs: 0, sliceMs: ASYNC_SLICE_MS,
      isClosed: () => ctx.isClosed(),
      checkOpen: () => { this.#check(); },
    };
  }

  /**
   * A corrupt mutex record must be a typed error at attach, not an EINVAL from pthread later.
   * On glibc x86-64 (pthread_mutex_t of 40 bytes) the `__kind` word at +16 of a mutex made by
   * mutexInit is PTHREAD_MUTEX_ERRORCHECK (2) | ROBUST (16) | PSHARED (128) = 146 for its whole
   * life (checked fresh, locked and unlocked). Elsewhere the check is skipped.
   */
  #validateRecord(): void {
    if (!GLIBC_X64_KIND_CHECK) return;
    const kind = Atomics.load(this.#words, GLIBC_KIND_WORD);
    if (kind !== GLIBC_ROBUST_PSHARED_ERRORCHECK) {
      const why = `its mutex record is not a robust process-shared mutex (kind word ${kind}, expected ${GLIBC_ROBUST_PSHARED_ERRORCHECK})`;
      throw new DataBlockError('ERR_DATABLOCK_LAYOUT_INVALID', `${mutexLabel(this.#ctx)} is corrupt: ${why}; the segment cannot be trusted: unlink and create it again`, { name: this.#ctx.name, kind: this.#ctx.kind });
    }
  }

  #check(): void {
    if (this.#ctx.isClosed()) throw closedError(this.#ctx.kind, this.#ctx.name);
  }

  /** Interprets a pthread return code; null = busy/timed out. */
  #settle(rc: number): LockResult | null {
    const e = native.errno;
    if (rc === 0) {
      this.#held = true;
      return NOT_RECOVERED;
    }
    if (rc === e.EOWNERDEAD) {
      this.#mapping.mutexConsistent(this.#offset);
      this.#held = true;
      return RECOVERED;
    }
    if (rc === e.EBUSY || rc === e.ETIMEDOUT) return null;
    if (rc === e.ENOTRECOVERABLE) {
      throw notRecoverableError(this.#ctx);
    }
    if (rc === e.EDEADLK) throw deadlockError(this.#ctx);
    throw new DataBlockError('ERR_DATABLOCK_SYSTEM', `pthread mutex call on ${mutexLabel(this.#ctx)} failed with errno ${rc}`, { name: this.#ctx.name, kind: this.#ctx.kind });
  }

  /** True while this handle holds the lock. */
  get held(): boolean {
    return this.#held;
  }

  /**
   * Blocking lock on this thread (blocks the event loop while it waits: prefer lockAsync in
   * servers). Default timeout: Infinity. Throws ERR_DATABLOCK_TIMEOUT when the time runs out.
   */
  lock(options: LockOptions = {}): LockResult {
    this.#check();
    const timeoutMs = normalizeTimeout(options?.timeoutMs, Infinity);
    if (this.#held) throw deadlockError(this.#ctx);
    let rc: number;
    try {
      rc = timeoutMs === 0 ? this.#mapping.mutexTryLock(this.#offset) : this.#mapping.mutexLock(this.#offset, timeoutMs === Infinity ? -1 : timeoutMs);
    } catch (error) {
      throw nativeFailure(this.#ctx, error, 'lock');
    }
    const result = this.#settle(rc);
    if (result === null) throw timeoutError(this.#ctx, timeoutMs);
    return result;
  }

  /** One attempt: `{ recovered }` when acquired, `null` when someone (also this thread) holds it. */
  tryLock(): LockResult | null {
    this.#check();
    if (this.#held) return null;
    let rc: number;
    try {
      rc = this.#mapping.mutexTryLock(this.#offset);
    } catch (error) {
      throw nativeFailure(this.#ctx, error, 'tryLock');
    }
    if (rc === native.errno.EDEADLK) return null;
    return this.#settle(rc);
  }

  /**
   * Acquires without blocking the event loop: try-lock on this thread; while busy, sleep on the
   * unlock-generation futex word (a libuv worker sleeps, never locks) in slices of at most 50 ms,
   * then try again. Default timeout: Infinity. Rejects with ERR_DATABLOCK_TIMEOUT / _ABORTED / _CLOSED.
   */
  async lockAsync(options: LockAsyncOptions = {}): Promise<LockResult> {
    this.#check();
    const timeoutMs = normalizeTimeout(options?.timeoutMs, Infinity);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgument('signal must be an AbortSignal');
    const got = await waitAsync(() => this.#tryLockOpen(), this.#spec, deadlineAfter(timeoutMs), signal, () => abortedError(this.#ctx, signal));
    if (got === null) throw timeoutError(this.#ctx, timeoutMs);
    return got;
  }

  #tryLockOpen(): LockResult | null {
    this.#check();
    return this.tryLock();
  }

  /** Releases the lock. Throws ERR_DATABLOCK_NOT_OWNER when this thread does not hold it. */
  unlock(): void {
    this.#check();
    let rc: number;
    try {
      rc = this.#mapping.mutexUnlock(this.#offset);
    } catch (error) {
      throw nativeFailure(this.#ctx, error, 'unlock');
    }
    if (rc === native.errno.EPERM) {
      throw notOwnerError(this.#ctx);
    }
    if (rc !== 0) this.#settle(rc);
    this.#held = false;
    this.#bumpGeneration();
  }

  #bumpGeneration(): void {
    Atomics.add(this.#words, GEN, 1);
    if (Atomics.load(this.#words, WAITERS) > 0) {
      this.#mapping.futexWake(this.#offset + MUTEX_GENERATION_OFFSET, 0x7fffffff);
    }
  }

  /**
   * Runs `fn` holding the lock (blocking lock, options as lock()). If `fn` returns a promise the
   * lock is released when it settles and withLock returns that promise.
   */
  withLock<T>(fn: (result: LockResult) => T, options?: LockOptions): T {
    if (typeof fn !== 'function') throw invalidArgument('withLock(fn): fn must be a function');
    const result = this.lock(options);
    let value: T;
    try {
      value = fn(result);
    } catch (error) {
      this.#unlockQuietly();
      throw error;
    }
    if (isThenable(value)) {
      return Promise.resolve(value).finally(() => this.#unlockQuietly()) as T;
    }
    this.unlock();
    return value;
  }

  /** Like withLock, but acquires with lockAsync (event loop keeps running while waiting). */
  async withLockAsync<T>(fn: (result: LockResult) => T | Promise<T>, options?: LockAsyncOptions): Promise<T> {
    if (typeof fn !== 'function') throw invalidArgument('withLockAsync(fn): fn must be a function');
    const result = await this.lockAsync(options);
    try {
      return await fn(result);
    } finally {
      this.#unlockQuietly();
    }
  }

  /** Blocking lock returning a guard for `using g = mutex.guard()`; unlocks once on dispose. */
  guard(options?: LockOptions): MutexGuard {
    const result = this.lock(options);
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      this.#unlockQuietly();
    };
    return Object.freeze({ recovered: result.recovered, unlock: release, [Symbol.dispose]: release });
  }

  /** Unlock unless the handle was closed meanwhile (close already released it). */
  #unlockQuietly(): void {
    if (this.#ctx.isClosed()) return;
    this.unlock();
  }

  /** Current futex word, decoded; read with Atomics.load only (never locks). */
  get state(): MutexState {
    this.#check();
    const w = this.#words;
    return decodeMutexWord(Atomics.load(w, 0), Atomics.load(w, 2), Atomics.load(w, GEN), Atomics.load(w, WAITERS));
  }

  /** @internal Called by the owner's close(), before the mapping goes: release a held lock. */
  releaseForClose(): void {
    if (!this.#held) return;
    try {
      this.#mapping.mutexUnlock(this.#offset);
      this.#bumpGeneration();
    } catch {
      /* the process keeps going; a robust mutex is recovered by the next owner anyway */
    }
    this.#held = false;
  }
}
