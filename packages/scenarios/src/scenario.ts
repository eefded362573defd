import type { WorkerProcess } from '@plh/worker-process';
import type { WorkerName } from './workers/registry.js';

/**
 * A scenario is a sequence of events between real processes that proves one ordering or
 * recovery property. `run` drives the processes through the context and throws (an assertion
 * error, or any error) when the property does not hold. It never sleeps to order processes:
 * ordering comes from ready signals, checkpoints and releases.
 */
export interface Scenario {
  /** Stable name, e.g. `readiness.SlowInitChildIsAwaited`. */
  readonly name: string;
  /** One sentence: what the scenario proves. */
  readonly description: string;
  /** How many processes take part, the runner's process included. */
  readonly processes: number;
  /** Upper bound for the whole scenario; a hang becomes a clear failure (default 30 s). */
  readonly timeoutMs?: number;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface SpawnOptions {
  /** Extra environment for the worker. */
  env?: Record<string, string>;
  /** Give the worker a release pipe (its `waitForRelease()` waits for `worker.release()`). */
  release?: boolean;
}

export interface ScenarioContext {
  /** Spawns `node workers.js <workerName> ...args` with a ready signal; killed at cleanup. */
  /** Runs a worker of the one entry (dist/workers.js) by its name in workers/registry.ts. */
  spawnWorker(workerName: WorkerName, args?: string[], options?: SpawnOptions): WorkerProcess;
  /** Spawns any executable with a ready signal; killed at cleanup. */
  spawnProcess(file: string, args?: string[], options?: SpawnOptions): WorkerProcess;
  /** A private temporary directory, removed at cleanup. */
  readonly tempDir: string;
  /** A name unique to this run (for shared-memory segments and files). */
  uniqueName(prefix: string): string;
  /** Records an event of the parent, in order, for the scenario's own assertions. */
  record(event: string): void;
  readonly events: readonly string[];
  /** Registers a cleanup step, run after the scenario whatever its outcome (last in, first out). */
  onCleanup(fn: () => void | Promise<void>): void;
  /** Upper bound for each wait inside the scenario. */
  readonly waitMs: number;
}
