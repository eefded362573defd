// Warm workers for the scenario runner: a pool of @plh/worker-process processes that have
// already started Node and imported the one worker entry (dist/workers.js), so a scenario's
// workers skip most of their start-up. Each pooled process still runs exactly one worker.
import { createWorkerPool, type WorkerPool } from '@plh/worker-process';
import { workersEntry } from './worker-entry.js';

/** Most scenarios start 1-3 workers, the largest 9: the pool holds as many as the largest needs. */
export const MAX_WARM_POOL_SIZE = 9;

export function warmPool(largestScenarioWorkers: number): WorkerPool {
  const size = Math.min(MAX_WARM_POOL_SIZE, Math.max(2, Number.isFinite(largestScenarioWorkers) ? largestScenarioWorkers : 2));
  return createWorkerPool(workersEntry, { size });
}
