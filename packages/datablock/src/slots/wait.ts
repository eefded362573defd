import { native, type NativeMapping } from '../native.js';
import { remaining } from '../timeouts.js';
import { ACTIVE_SPIN_US } from './constants.js';

/**
 * The one wait of the package: try an attempt, spin on it briefly, then sleep in the kernel on a
 * shared futex word in bounded slices, until the attempt succeeds, the deadline passes or the
 * signal aborts. Sync callers (acquire*) block the thread; async callers (acquire*Async, the
 * mutex's lockAsync) sleep on a libuv thread with futexWaitAsync. The sleeper announces itself
 * (enter) BEFORE its last attempt and sleeps only while the futex word still has the value read
 * before that attempt, so a wake-up in between is never missed.
 */

/**
 * One attempt: a result, or null to keep waiting. May throw (closed, end of stream, ...).
 * `spinning` is true for the attempts of the spin phase, which may skip checks that touch
 * cache lines the peer writes (the consumer's end-of-stream word) on most iterations.
 */
export type Attempt<T> = (spinning?: boolean) => T | null;

export interface WaitSpec {
  readonly mapping: NativeMapping;
  /** The i32 array holding the futex word, its index there and its byte offset in the mapping. */
  readonly words: Int32Array;
  readonly word: number;
  readonly byteOffset: number;
  /** Announce / withdraw this sleeper (a waiter bit or count the waker checks before waking). */
  enter(): void;
  leave(): void;
  /** Spin this long (microseconds) before the first sleep (sync waits only). */
  readonly spinUs: number;
  /** Longest single sleep (ms): bounds the reaction to a dead participant. */
  readonly sliceMs: number;
  /**
   * Whether the peer this wait depends on is running (not asleep on the block). While it is,
   * the spin goes on past spinUs, up to ACTIVE_SPIN_US, so a streaming pair does not convoy
   * through futex sleeps and wake-ups (60-400 us each on small VMs).
   */
  readonly peerAwake?: () => boolean;
  /** Called at most every sliceMs while nothing happens: liveness checks, recovery. */
  readonly onIdle?: () => void;
  isClosed(): boolean;
  /** Throws the owner's closed error. */
  checkOpen(): void;
}

function afterSleep(spec: WaitSpec, rc: number, state: { lastIdle: number }): void {
  const now = performance.now();
  if (spec.onIdle !== undefined && (rc === native.errno.ETIMEDOUT || now - state.lastIdle >= spec.sliceMs)) {
    state.lastIdle = now;
    spec.onIdle();
  }
}

/** Blocking wait. Returns null when `deadline` (performance.now() based) passes. */
export function waitSync<T>(attempt: Attempt<T>, spec: WaitSpec, deadline: number): T | null {
  let now = performance.now();
  const window = spec.spinUs / 1000;
  let spinEnd = Math.min(deadline, now + window);
  const activeEnd = Math.min(deadline, now + ACTIVE_SPIN_US / 1000);
  for (let n = 1; ; n++) {
    const r = attempt(true);
    if (r !== null) return r;
    if ((n & 15) === 0 && (now = performance.now()) >= spinEnd) {
      // Another window while the peer is awake (it is about to commit / release), then sleep.
      if (window > 0 && now < activeEnd && spec.peerAwake?.() === true) spinEnd = Math.min(activeEnd, now + window);
      else break;
    }
  }
  const idle = { lastIdle: now };
  for (;;) {
    const left = remaining(deadline);
    if (left <= 0) return null;
    const seen = Atomics.load(spec.words, spec.word);
    spec.enter();
    let rc: number;
    try {
      const r = attempt();
      if (r !== null) return r;
      rc = spec.mapping.futexWait(spec.byteOffset, seen, Math.min(left, spec.sliceMs));
    } finally {
      if (!spec.isClosed()) spec.leave();
    }
    const r = attempt();
    if (r !== null) return r;
    afterSleep(spec, rc, idle);
  }
}

/**
 * Async wait: never blocks the event loop. Rejects with `abortError()` when `signal` aborts; a
 * close() during the wait makes the native wait reject, reported as the owner's closed error.
 */
export async function waitAsync<T>(attempt: Attempt<T>, spec: WaitSpec, deadline: number, signal: AbortSignal | undefined, abortError: () => Error): Promise<T | null> {
  const idle = { lastIdle: performance.now() };
  for (;;) {
    if (signal?.aborted) throw abortError();
    spec.checkOpen();
    const left = remaining(deadline);
    const seen = Atomics.load(spec.words, spec.word);
    spec.enter();
    let rc: number;
    try {
      const r = attempt();
      if (r !== null) return r;
      if (left <= 0) return null;
      rc = await abortable(spec.mapping.futexWaitAsync(spec.byteOffset, seen, Math.min(left, spec.sliceMs)), signal, abortError);
    } catch (error) {
      spec.checkOpen();
      throw error;
    } finally {
      if (!spec.isClosed()) spec.leave();
    }
    afterSleep(spec, rc, idle);
  }
}

function abortable(wait: Promise<number>, signal: AbortSignal | undefined, abortError: () => Error): Promise<number> {
  if (signal === undefined) return wait;
  return new Promise<number>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(
      (rc) => { signal.removeEventListener('abort', onAbort); resolve(rc); },
      (error: unknown) => { signal.removeEventListener('abort', onAbort); reject(error); },
    );
  });
}
