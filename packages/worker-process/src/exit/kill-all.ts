import { liveWorkers } from './registry.js';

/**
 * Terminates every live worker spawned by this process (any test, any module copy): SIGTERM,
 * then SIGKILL after graceMs (default 2 000 ms, or each worker's killGraceMs). Resolves when all
 * are gone (bounded). Returns how many were still running.
 */
export async function killAllWorkers(options: { graceMs?: number } = {}): Promise<number> {
  const workers = [...liveWorkers()];
  await Promise.all(workers.map((worker) => worker.terminate(options.graceMs === undefined ? {} : { graceMs: options.graceMs })));
  return workers.length;
}
