import { DataBlockError, closedError, invalidArgument, type ObjectKind } from '../errors.js';
import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS, MUTEX_GENERATION_OFFSET, MUTEX_RECORD_SIZE, MUTEX_WAITERS_OFFSET } from '../layout/constants.js';
import { native, type NativeMapping } from '../native.js';
import { deadlineAfter, normalizeTimeout, remaining } from '../timeouts.js';

/** What a successful lock reports: `recovered` is true when the previous owner died holding it. */
export interface LockResult {
  readonly recovered: boolean;
}
export interface LockOptions {
  /** 0 = try once, positive = milliseconds, Infinity = wait. Default: Infinity. */
  timeoutMs?: number;
}
export interface LockAsyncOptions extends LockOptions {
  signal?: AbortSignal;
}
/** A held lock that unlocks once, on `unlock()` or `[Symbol.dispose]()` (`using g = m.guard()`). */
export interface MutexGuard extends LockResult, Disposable {
  unlock(): void;
}
/** Read-only view of the robust futex word (never locks). */
export interface MutexState {
  readonly locked: boolean;
  /** Kernel TID of the owner (0 when unlocked). */
  readonly ownerTid: number;
  readonly waiters: boolean;
  /** FUTEX_OWNER_DIED: the owner died; the next lock reports recovered: true. */
  readonly ownerDied: boolean;
  /** glibc marks an unrecoverable mutex with __owner = PTHREAD_MUTEX_NOTRECOVERABLE (INT_MAX - 1). */
  readonly notRecoverable: boolean;
  readonly unlockGeneration: number;
  readonly asyncWaiters: number;
}

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

export interface MutexContext {
  readonly kind: ObjectKind;
  readonly name: string;
  isClosed(): boolean;
}

export function decodeMutexWord(lockWord: number, ownerWord: number, generation: number, asyncWaiters: number): MutexState {
  const w = lockWord >>> 0;
  const ownerTid = w & FUTEX_TID_MASK;
  return Object.freeze({
    locked: ownerTid !== 0,
    ownerTid,
    waiters: (w & FUTEX_WAITERS) !== 0,
    ownerDied: (w & FUTEX_OWNER_DIED) !== 0,
    notRecoverable: ownerWord >>> 0 === 0x7ffffffe,
    unlockGeneration: generation >>> 0,
    asyncWaiters: asyncWaiters >>> 0,
  });
}

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
  #held = false;

  /** @internal */
  constructor(mapping: NativeMapping, recordOffset: number, ctx: MutexContext) {
    this.#mapping = mapping;
    this.#offset = recordOffset;
    this.#words = new Int32Array(mapping.buffer(recordOffset, MUTEX_RECORD_SIZE));
    this.#ctx = ctx;
    this.#validateRecord();
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
      throw new DataBlockError(
        'ERR_DATABLOCK_LAYOUT_INVALID',
        `${this.#label()} is corrupt: its mutex record is not a robust process-shared mutex (kind word ${kind}, expected ${GLIBC_ROBUST_PSHARED_ERRORCHECK}); the segment cannot be trusted: unlink and create it again`,
        { name: this.#ctx.name, kind: this.#ctx.kind },
      );
    }
  }

  /** An errno a native mutex call threw (EINVAL on a damaged record), as a typed error. */
  #nativeFailure(error: unknown, what: string): DataBlockError {
    if (error instanceof DataBlockError) return error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MAPPING_CLOSED') return closedError(this.#ctx.kind, this.#ctx.name);
    return new DataBlockError(
      code === 'EINVAL' ? 'ERR_DATABLOCK_LAYOUT_INVALID' : 'ERR_DATABLOCK_SYSTEM',
      `${what} on ${this.#label()} failed (${String(code ?? error)}): the mutex record looks damaged; unlink and create the segment again`,
      { name: this.#ctx.name, kind: this.#ctx.kind, cause: error },
    );
  }

  #check(): void {
    if (this.#ctx.isClosed()) throw closedError(this.#ctx.kind, this.#ctx.name);
  }

  #label(): string {
    return this.#ctx.kind === 'DataBlock' ? `the mutex of DataBlock '${this.#ctx.name}'` : `DataBlockMutex '${this.#ctx.name}'`;
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
      throw new DataBlockError(
        'ERR_DATABLOCK_NOT_RECOVERABLE',
        `${this.#label()} is not recoverable: a previous owner died and the next one unlocked it without marking it consistent; the data it protects cannot be trusted. Recreate the segment (unlink and create)`,
        { name: this.#ctx.name, kind: this.#ctx.kind },
      );
    }
    if (rc === e.EDEADLK) throw this.#deadlock();
    throw new DataBlockError('ERR_DATABLOCK_SYSTEM', `pthread mutex call on ${this.#label()} failed with errno ${rc}`, { name: this.#ctx.name, kind: this.#ctx.kind });
  }

  #deadlock(): DataBlockError {
    return new DataBlockError(
      'ERR_DATABLOCK_DEADLOCK',
      `${this.#label()} is already held by this thread: a blocking lock would wait forever; unlock it first, or use lockAsync() to queue behind the current holder`,
      { name: this.#ctx.name, kind: this.#ctx.kind },
    );
  }

  #timeout(timeoutMs: number): DataBlockError {
    return new DataBlockError(
      'ERR_DATABLOCK_TIMEOUT',
      `${this.#label()} was not acquired within ${timeoutMs} ms: another holder keeps it; pass a longer timeoutMs or Infinity, or inspect the holder with 'plh-datablock inspect ${this.#ctx.name}'`,
      { name: this.#ctx.name, kind: this.#ctx.kind },
    );
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
    if (this.#held) throw this.#deadlock();
    let rc: number;
    try {
      rc = timeoutMs === 0 ? this.#mapping.mutexTryLock(this.#offset) : this.#mapping.mutexLock(this.#offset, timeoutMs === Infinity ? -1 : timeoutMs);
    } catch (error) {
      throw this.#nativeFailure(error, 'lock');
    }
    const result = this.#settle(rc);
    if (result === null) throw this.#timeout(timeoutMs);
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
      throw this.#nativeFailure(error, 'tryLock');
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
    const deadline = deadlineAfter(timeoutMs);
    const words = this.#words;
    for (;;) {
      this.#check();
      if (signal?.aborted) throw this.#aborted(signal);
      const generation = Atomics.load(words, GEN);
      const result = this.tryLock();
      if (result !== null) return result;
      const left = remaining(deadline);
      if (left <= 0) throw this.#timeout(timeoutMs);
      Atomics.add(words, WAITERS, 1);
      try {
        await this.#sleep(generation, Math.min(left, ASYNC_SLICE_MS), signal);
      } catch (error) {
        // A close() during the wait rejects the native wait with ERR_MAPPING_CLOSED.
        this.#check();
        throw error;
      } finally {
        if (!this.#ctx.isClosed()) Atomics.sub(words, WAITERS, 1);
      }
    }
  }

  #aborted(signal: AbortSignal): DataBlockError {
    return new DataBlockError('ERR_DATABLOCK_ABORTED', `Waiting for ${this.#label()} was aborted`, {
      name: this.#ctx.name,
      kind: this.#ctx.kind,
      cause: signal.reason,
    });
  }

  #sleep(generation: number, ms: number, signal: AbortSignal | undefined): Promise<void> {
    const wait: Promise<unknown> =
      typeof this.#mapping.futexWaitAsync === 'function'
        ? this.#mapping.futexWaitAsync(this.#offset + MUTEX_GENERATION_OFFSET, generation, ms)
        : new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
    if (signal === undefined) return wait.then(() => undefined);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(this.#aborted(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      wait.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /** Releases the lock. Throws ERR_DATABLOCK_NOT_OWNER when this thread does not hold it. */
  unlock(): void {
    this.#check();
    let rc: number;
    try {
      rc = this.#mapping.mutexUnlock(this.#offset);
    } catch (error) {
      throw this.#nativeFailure(error, 'unlock');
    }
    if (rc === native.errno.EPERM) {
      throw new DataBlockError(
        'ERR_DATABLOCK_NOT_OWNER',
        `${this.#label()} is not held by this thread: only the thread that locked it may unlock it (lock() before unlock(), and unlock once)`,
        { name: this.#ctx.name, kind: this.#ctx.kind },
      );
    }
    if (rc !== 0) this.#settle(rc);
    this.#held = false;
    this.#bumpGeneration();
  }

  #bumpGeneration(): void {
    Atomics.add(this.#words, GEN, 1);
    if (Atomics.load(this.#words, WAITERS) > 0 && typeof this.#mapping.futexWake === 'function') {
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
