import { afterAll, afterEach } from 'vitest';
import { killAllWorkers } from './exit/kill-all.js';

export { killAllWorkers };

/**
 * Registers afterEach (and afterAll) hooks in the current file or describe block that kill every
 * worker still running when a test ends, passed or failed (SIGTERM, then SIGKILL after graceMs,
 * default 500 ms). Call it once at the top of a test file.
 */
export function cleanupWorkersAfterEach(options: { graceMs?: number } = {}): void {
  const graceMs = options.graceMs ?? 500;
  afterEach(async () => {
    await killAllWorkers({ graceMs });
  });
  afterAll(async () => {
    await killAllWorkers({ graceMs });
  });
}
