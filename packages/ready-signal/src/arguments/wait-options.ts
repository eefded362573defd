import { DEFAULT_TIMEOUT_MS } from '../constants.js';
import { invalidArgument } from '../errors.js';

export interface WaitOptions {
  /** Upper bound of the wait in ms (default 30 000). `Infinity` waits without a bound. */
  timeoutMs?: number;
  /** Aborting it rejects the wait with ERR_READY_ABORTED. */
  signal?: AbortSignal;
}

export interface NormalizedWaitOptions {
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

export function normalizeWaitOptions(options: WaitOptions | undefined, what: string): NormalizedWaitOptions {
  if (options === undefined || options === null) return { timeoutMs: DEFAULT_TIMEOUT_MS, signal: undefined };
  if (typeof options !== 'object') throw invalidArgument(`The options of ${what} must be an object, got ${typeof options}.`);
  const { timeoutMs = DEFAULT_TIMEOUT_MS, signal } = options;
  if (typeof timeoutMs !== 'number' || Number.isNaN(timeoutMs) || timeoutMs < 0) {
    throw invalidArgument(`timeoutMs of ${what} must be a number >= 0 (or Infinity), got ${typeof timeoutMs === 'number' ? String(timeoutMs) : typeof timeoutMs}.`);
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgument(`signal of ${what} must be an AbortSignal, got ${typeof signal}.`);
  }
  return { timeoutMs, signal };
}
