import { invalidArgument } from '../errors.js';
import { normalizeTimeout } from '../timeouts.js';

export interface AcquireOptions {
  /** 0 = do not block, positive = milliseconds, Infinity = wait (default). */
  timeoutMs?: number;
}
export interface AcquireAsyncOptions extends AcquireOptions {
  signal?: AbortSignal;
}
export interface EndpointOptions {
  /**
   * Debug aid: hand out a fresh external view per acquisition and detach it on
   * commit/abort/release, so a view kept after release has length 0 (reads give undefined,
   * writes are dropped). Costs microseconds per acquisition: tests only. Default false.
   */
  debugViews?: boolean;
}
export type ProducerOptions = EndpointOptions;
export type ConsumerOptions = EndpointOptions;

export function parseEndpointOptions(options: unknown, what: string): { debugViews: boolean } {
  if (options === undefined) return { debugViews: false };
  if (options === null || typeof options !== 'object') throw invalidArgument(`${what} options must be an object`);
  const d = (options as EndpointOptions).debugViews;
  if (d !== undefined && typeof d !== 'boolean') throw invalidArgument('debugViews must be a boolean');
  return { debugViews: d === true };
}

export function parseAcquire(options: AcquireAsyncOptions | undefined): { timeoutMs: number; signal: AbortSignal | undefined } {
  if (options === undefined) return { timeoutMs: Infinity, signal: undefined };
  if (options === null || typeof options !== 'object') throw invalidArgument('acquire options must be an object');
  const timeoutMs = normalizeTimeout(options.timeoutMs, Infinity);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgument('signal must be an AbortSignal');
  return { timeoutMs, signal };
}
