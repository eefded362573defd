import { invalidArgument } from './errors.js';

/**
 * The one timeout validator of @plh/datablock (the convention of the top README, "Timeouts"):
 * undefined = the default of that kind of wait; 0 = do not block (try once; a wait that is not
 * already satisfied fails at once with ERR_DATABLOCK_TIMEOUT); a positive number = an upper bound
 * in ms; Infinity = no bound; anything else (negative, NaN, not a number) =
 * ERR_DATABLOCK_INVALID_ARGUMENT, thrown at once (an async call rejects with it). Every timeoutMs
 * of the package (attach, lock, lockAsync, acquire*) goes through it.
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
