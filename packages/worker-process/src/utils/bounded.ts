/** Largest delay setTimeout accepts; longer bounds are clamped to it (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits for `promise` at most `ms` milliseconds (Infinity: no bound). Never rejects: a rejection
 * counts as settled.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ settled: true; value: T } | { settled: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ settled: false }>((resolve) => {
    if (ms !== Infinity) timer = setTimeout(() => resolve({ settled: false }), Math.min(ms, MAX_TIMER_MS));
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ settled: true as const, value }),
        () => ({ settled: true as const, value: undefined as T }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Combines optional abort signals into one (undefined when there is none). */
export function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
