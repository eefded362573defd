import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  spawnProcess as spawnAnyProcess,
  spawnWorkerWithReadySignal,
  type WorkerPool,
  type WorkerProcess,
} from '@plh/worker-process';
import type { ScenarioContext, SpawnOptions } from './scenario.js';
import { trackRun } from './live-runs.js';
import type { WorkerName } from './workers/registry.js';

import { workersEntry } from './worker-entry.js';

export { workersEntry };

let runCounter = 0;

export interface OwnedContext extends ScenarioContext {
  readonly workers: readonly WorkerProcess[];
  /** Kills every worker still running, runs cleanup steps, removes the temp dir. */
  dispose(): Promise<void>;
}

export function createScenarioContext(options: { waitMs: number; pool?: WorkerPool }): OwnedContext {
  const tempDir = mkdtempSync(join(tmpdir(), 'plh-scenario-'));
  const workers: WorkerProcess[] = [];
  const events: string[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  const runId = `${process.pid}-${++runCounter}`;
  const names: string[] = [];
  const untrack = trackRun({ workers, names, cleanups, tempDir });

  const track = (worker: WorkerProcess): WorkerProcess => {
    workers.push(worker);
    return worker;
  };

  return {
    tempDir,
    waitMs: options.waitMs,
    events,
    workers,
    spawnWorker(workerName: WorkerName, args: string[] = [], spawnOptions: SpawnOptions = {}) {
      const opts = { env: spawnOptions.env, release: spawnOptions.release };
      return track(
        options.pool
          ? options.pool.spawnWorkerWithReadySignal(workerName, args, opts)
          : spawnWorkerWithReadySignal(workersEntry, workerName, args, opts),
      );
    },
    spawnProcess(file: string, args: string[] = [], spawnOptions: SpawnOptions = {}) {
      return track(
        spawnAnyProcess(file, args, {
          readySignal: true,
          env: spawnOptions.env,
          release: spawnOptions.release,
        }),
      );
    },
    uniqueName(prefix: string) {
      const name = `${prefix}-${runId}`;
      names.push(name);
      return name;
    },
    record(event: string) {
      events.push(event);
    },
    onCleanup(fn) {
      cleanups.push(fn);
    },
    async dispose() {
      // Workers that are still running after the scenario are stopped: SIGKILL, then reaped.
      await Promise.allSettled(
        workers.map(async (worker) => {
          worker.kill('SIGKILL');
          await worker.waitForExit({ timeoutMs: 5_000 });
        }),
      );
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch {
          // Cleanup steps must not hide the scenario's own outcome.
        }
      }
      rmSync(tempDir, { recursive: true, force: true });
      untrack();
    },
  };
}
