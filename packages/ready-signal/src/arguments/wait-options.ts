// The options of every wait in this package, validated by one function per concept: the timeout
// convention of the whole project (top README, "Timeouts") and the AbortSignal.
import { DEFAULT_TIMEOUT_MS } from '../constants.js';
import { invalidArgument } from '../errors.js';

export interface WaitOptions {
  /**
   * Upper bound of the wait in ms. undefined: the default of this kind of wait; 0: do not block
   * (fails at once unless already done); a positive number: milliseconds; Infinity: no bound.
   */
  timeoutMs?: number;
  /** Aborting it rejects the wait with ERR_READY_ABORTED. */
  signal?: AbortSignal;
}

export interface NormalizedWaitOptions {
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

const describeValue = (value: unknown): string =>
  typeof value === 'number' ? String(value)
  : typeof value === 'string' ? `the string ${JSON.stringify(value)}`
  : value === null ? 'null'
  : typeof value;

/**
 * The timeout convention: undefined → `defaultMs`; 0 → do not block; a positive number → an upper
 * bound in ms; Infinity → no bound. Anything else (negative, NaN, not a number) is
 * ERR_READY_INVALID_ARGUMENT, saying what is accepted.
 */
export function validateTimeout(value: unknown, defaultMs: number, what: string): number {
  if (value === undefined) return defaultMs;
  if (typeof value === 'number' && value >= 0) return value === 0 ? 0 : value; // NaN fails >= 0; -0 becomes 0
  throw invalidArgument(`timeoutMs of ${what} must be 0 (do not block), a positive number of milliseconds or Infinity (no bound); got ${describeValue(value)}.`);
}

export function normalizeWaitOptions(options: WaitOptions | undefined, what: string, defaultMs = DEFAULT_TIMEOUT_MS): NormalizedWaitOptions {
  if (options === undefined || options === null) return { timeoutMs: defaultMs, signal: undefined };
  if (typeof options !== 'object') throw invalidArgument(`The options of ${what} must be an object like { timeoutMs: 5000 }, got ${describeValue(options)}.`);
  const { timeoutMs, signal } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgument(`signal of ${what} must be an AbortSignal, got ${describeValue(signal)}.`);
  }
  return { timeoutMs: validateTimeout(timeoutMs, defaultMs, what), signal };
}
