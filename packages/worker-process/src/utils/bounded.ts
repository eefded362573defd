/** Waits for `promise` at most `ms` milliseconds. Never rejects: a rejection counts as settled. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ settled: true; value: T } | { settled: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ settled: false }>((resolve) => {
    timer = setTimeout(() => resolve({ settled: false }), ms);
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
