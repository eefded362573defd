// Options of producers, consumers and acquire calls, and their validation.
import { invalidArgument } from '../errors.js';
import { normalizeTimeout } from '../timeouts.js';
import { SPIN_US } from './constants.js';

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
  /**
   * How long a blocking wait spins on Atomics.load before it sleeps in the kernel, in
   * microseconds (default SPIN_US, 50), window after window while the peer is awake, up to
   * ACTIVE_SPIN_US (1 ms) in all: waking a sleeping process costs 60-400 us on small VMs, and a
   * streaming pair that slept at every gap would convoy. 0 sleeps at once.
   */
  spinUs?: number;
}
export type ProducerOptions = EndpointOptions;
export type ConsumerOptions = EndpointOptions;

export function parseEndpointOptions(options: unknown, what: string): { debugViews: boolean; spinUs: number } {
  if (options === undefined) return { debugViews: false, spinUs: SPIN_US };
  if (options === null || typeof options !== 'object') throw invalidArgument(`${what} options must be an object`);
  const d = (options as EndpointOptions).debugViews;
  if (d !== undefined && typeof d !== 'boolean') throw invalidArgument('debugViews must be a boolean');
  const spin = (options as EndpointOptions).spinUs;
  if (spin !== undefined && (typeof spin !== 'number' || !(spin >= 0) || spin > 1e6)) throw invalidArgument(`spinUs must be a number of microseconds from 0 to 1e6; got ${String(spin)}`);
  return { debugViews: d === true, spinUs: spin ?? SPIN_US };
}

/** producer.writeBatch's callback: fill slot `i` of the batch through `data`, return the length to commit. */
export type SlotFiller = (data: Uint8Array, i: number) => number;
/** consumer.readBatch's callback: one committed slot (`data` is valid only during the call). */
export type SlotVisitor = (data: Uint8Array, slotId: number, checksumOk: boolean) => void;

/** Validates a batch call's count and callback. */
export function checkBatchArgs(count: unknown, fn: unknown, what: string, fnName: string): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw invalidArgument(`${what}: count must be an integer >= 1; got ${String(count)}`);
  }
  if (typeof fn !== 'function') throw invalidArgument(`${what}: ${fnName} must be a function`);
}

/** The timeout of a sync acquire (no allocation: the hot path calls it per slot). */
export function acquireTimeout(options: AcquireOptions | undefined): number {
  if (options === undefined) return Infinity;
  if (options === null || typeof options !== 'object') throw invalidArgument('acquire options must be an object');
  return normalizeTimeout(options.timeoutMs, Infinity);
}

export function parseAcquire(options: AcquireAsyncOptions | undefined): { timeoutMs: number; signal: AbortSignal | undefined } {
  if (options === undefined) return { timeoutMs: Infinity, signal: undefined };
  if (options === null || typeof options !== 'object') throw invalidArgument('acquire options must be an object');
  const timeoutMs = normalizeTimeout(options.timeoutMs, Infinity);
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalidArgument('signal must be an AbortSignal');
  return { timeoutMs, signal };
}
