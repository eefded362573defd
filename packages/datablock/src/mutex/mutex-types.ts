import { FUTEX_OWNER_DIED, FUTEX_TID_MASK, FUTEX_WAITERS } from '../layout/constants.js';
import type { ObjectKind } from '../errors.js';

/** The mutex's public types, its context, and how its futex word reads (decodeMutexWord). */
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
