import { MAX_TIMER_MS } from '../constants.js';
import { ReadySignalError } from '../errors.js';
import type { NormalizedWaitOptions } from './wait-options.js';

export interface Settler<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * A promise bounded by a timeout and an AbortSignal. `register` hooks the settler into whatever
 * produces the outcome and returns a function that unhooks it; it runs once, whichever way the
 * wait ends. Timers are armed only here, never on the data path. A timeout of 0 checks once:
 * the wait fails at once unless `register` settled it synchronously.
 */
export function boundedWait<T>(
  options: NormalizedWaitOptions,
  describe: { timeout: (ms: number) => string; aborted: string },
  register: (settler: Settler<T>) => () => void,
): Promise<T> {
  const { timeoutMs, signal } = options;
  if (signal?.aborted) {
    return Promise.reject(new ReadySignalError('ERR_READY_ABORTED', describe.aborted, { cause: signal.reason }));
  }
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    let unregister: (() => void) | undefined;
    const onAbort = (): void =>
      settle(() => reject(new ReadySignalError('ERR_READY_ABORTED', describe.aborted, { cause: signal?.reason })));
    const cleanUp = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      unregister?.();
    };
    // The outcome first, the bookkeeping after: a process just woken by the other side runs its
    // first microseconds slowly (TOOLCHAIN.md), so the timer and listener removal run as a
    // microtask queued after the resolution (the caller's first continuation runs before it).
    // `done` already makes a late timer or abort a no-op.
    const settle = (finish: () => void): void => {
      if (done) return;
      done = true;
      finish();
      queueMicrotask(cleanUp);
    };
    unregister = register({
      resolve: (value) => settle(() => resolve(value)),
      reject: (error) => settle(() => reject(error)),
    });
    if (done) return; // settled synchronously; cleanUp (deferred) unregisters
    const timedOut = (): void =>
      settle(() => reject(new ReadySignalError('ERR_READY_TIMEOUT', describe.timeout(timeoutMs))));
    if (timeoutMs === 0) {
      timedOut(); // 0 = do not block: the outcome was not there at once
      return;
    }
    if (timeoutMs !== Infinity) {
      timer = setTimeout(timedOut, Math.min(timeoutMs, MAX_TIMER_MS));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
