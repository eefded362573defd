// Re-checks a condition the kernel has no event for (a LISTEN socket, a health command): on every
// output chunk of the child and on a backoff timer from about 1 ms to 50 ms. One check at a time.
// The interval grows with the time waited (1 ms + 1/500 of it: 1.2 ms after 100 ms, 3 ms after
// 1 s, 50 ms after about 25 s): a program that starts in a few seconds (a loaded CI machine
// included) is seen within milliseconds, a slow one costs little. A check before the program
// listens reads a few small /proc files (about 0.1-0.2 ms of CPU).
import type { ReadyContext } from './strategy.js';

export const POLL_MIN_MS = 1;
export const POLL_MAX_MS = 50;
const GROWTH = 1 / 500;

/**
 * Calls `check` until it returns a value other than undefined (resolves with it) or throws
 * (rejects). Stops when context.signal aborts (the promise then stays pending: the runner settles).
 */
export function pollUntil<T>(context: ReadyContext, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;
    let done = false;
    const stop = (): void => {
      done = true;
      clearTimeout(timer);
      unsubscribe();
      context.signal.removeEventListener('abort', stop);
    };
    const run = async (): Promise<void> => {
      if (done) return;
      if (running) {
        again = true; // an output chunk arrived during a check: check once more right after
        return;
      }
      running = true;
      clearTimeout(timer);
      try {
        const value = await check();
        if (done) return;
        if (value !== undefined) {
          stop();
          resolve(value);
          return;
        }
      } catch (error) {
        if (!done) {
          stop();
          reject(error);
        }
        return;
      } finally {
        running = false;
      }
      if (again) {
        again = false;
        void run();
        return;
      }
      timer = setTimeout(() => void run(), Math.min(POLL_MAX_MS, POLL_MIN_MS + (performance.now() - start) * GROWTH));
    };
    const unsubscribe = context.onOutput(() => void run());
    context.signal.addEventListener('abort', stop, { once: true });
    if (context.signal.aborted) return stop();
    void run();
  });
}
