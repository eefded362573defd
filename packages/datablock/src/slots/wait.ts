import { remaining } from '../timeouts.js';
import { native } from '../native.js';
import { WAIT_SLICE_MS } from './constants.js';
import type { SlotContext } from './context.js';

/** One attempt: a result, or null to keep waiting. May throw (closed, end of stream, ...). */
export type Attempt<T> = () => T | null;

export interface WaitSpec {
  /** State word the other side increments (and futex-wakes when waiters > 0). */
  readonly counter: number;
  /** State word whose bit `waiterBit` is set while this waiter sleeps on `counter`. */
  readonly waiters: number;
  readonly waiterBit: number;
  /** Spin this long (microseconds) before sleeping. */
  readonly spinUs: number;
  /** Called at most every WAIT_SLICE_MS while nothing happens: liveness checks, recovery. */
  readonly onIdle?: () => void;
}

/**
 * Blocking wait (sync): spin on the attempt for SPIN_US (two busy processes hand over in about
 * a microsecond), then sleep on the futex word in slices of at most WAIT_SLICE_MS. The waiter
 * counter is raised BEFORE the last attempt, and the futex only sleeps while the counter still
 * has the value read before that attempt, so a commit/release in between is never missed.
 * Returns null when `deadline` (performance.now() based) passes.
 */
export function waitSync<T>(ctx: SlotContext, attempt: Attempt<T>, spec: WaitSpec, deadline: number): T | null {
  const state = ctx.state;
  let now = performance.now();
  const spinEnd = Math.min(deadline, now + spec.spinUs / 1000);
  for (let n = 1; ; n++) {
    const r = attempt();
    if (r !== null) return r;
    if ((n & 15) === 0) {
      now = performance.now();
      if (now >= spinEnd) break;
    }
  }
  const offset = ctx.stateByteOffset(spec.counter);
  let lastIdle = now;
  for (;;) {
    const left = remaining(deadline);
    if (left <= 0) return null;
    const seen = Atomics.load(state, spec.counter);
    Atomics.or(state, spec.waiters, spec.waiterBit);
    let rc: number;
    try {
      const r = attempt();
      if (r !== null) return r;
      rc = ctx.mapping.futexWait(offset, seen, Math.min(left, WAIT_SLICE_MS));
    } finally {
      if (!ctx.closed) Atomics.and(state, spec.waiters, ~spec.waiterBit);
    }
    const r = attempt();
    if (r !== null) return r;
    now = performance.now();
    if (spec.onIdle !== undefined && (rc === native.errno.ETIMEDOUT || now - lastIdle >= WAIT_SLICE_MS)) {
      lastIdle = now;
      spec.onIdle();
    }
  }
}

/**
 * Async wait: never blocks the event loop. Attempts, then sleeps with futexWaitAsync (a libuv
 * thread sleeps) in slices of at most WAIT_SLICE_MS. Rejects with `abortError()` when `signal`
 * aborts; a close() during the wait makes the native wait reject (the caller maps it).
 */
export async function waitAsync<T>(
  ctx: SlotContext,
  attempt: Attempt<T>,
  spec: WaitSpec,
  deadline: number,
  signal: AbortSignal | undefined,
  abortError: () => Error,
): Promise<T | null> {
  const state = ctx.state;
  const offset = ctx.stateByteOffset(spec.counter);
  let lastIdle = performance.now();
  for (;;) {
    if (signal?.aborted) throw abortError();
    ctx.checkOpen();
    const left = remaining(deadline);
    const seen = Atomics.load(state, spec.counter);
    Atomics.or(state, spec.waiters, spec.waiterBit);
    let rc: number;
    try {
      const r = attempt();
      if (r !== null) return r;
      if (left <= 0) return null;
      rc = await sleep(ctx.mapping.futexWaitAsync(offset, seen, Math.min(left, WAIT_SLICE_MS)), signal, abortError);
    } catch (error) {
      ctx.checkOpen();
      throw error;
    } finally {
      if (!ctx.closed) Atomics.and(state, spec.waiters, ~spec.waiterBit);
    }
    const now = performance.now();
    if (spec.onIdle !== undefined && (rc === native.errno.ETIMEDOUT || now - lastIdle >= WAIT_SLICE_MS)) {
      lastIdle = now;
      spec.onIdle();
    }
  }
}

function sleep(wait: Promise<number>, signal: AbortSignal | undefined, abortError: () => Error): Promise<number> {
  if (signal === undefined) return wait;
  return new Promise<number>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(
      (rc) => {
        signal.removeEventListener('abort', onAbort);
        resolve(rc);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
