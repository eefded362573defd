import { invalidArgument } from './errors.js';

/**
 * Timeouts everywhere: 0 = try once (do not block), a positive number = milliseconds,
 * Infinity = wait without limit. `undefined` takes the documented default of the call.
 */
export function normalizeTimeout(value: unknown, defaultMs: number, what = 'timeoutMs'): number {
  if (value === undefined) return defaultMs;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw invalidArgument(`${what} must be 0 (try once), a positive number of milliseconds or Infinity; got ${String(value)}`);
  }
  return value;
}

/** Milliseconds left until `deadline` (performance.now() based); Infinity stays Infinity. */
export function remaining(deadline: number): number {
  if (deadline === Infinity) return Infinity;
  return Math.max(0, deadline - performance.now());
}

export function deadlineAfter(timeoutMs: number): number {
  return timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
}
