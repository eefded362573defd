/** The worker entry of the baseline and signal-variant processes: the one entry (workers/registry.ts). */
export { workersEntry as baselineWorkerEntry } from '../worker-entry.js';

/** The two u32 values (little-endian) the data-exchange writer puts at the start of the flex zone. */
export const EXCHANGE_WORDS = [0xcafebabe, 0xdead] as const;
export const EXCHANGE_FLEX_SIZE = 64;
