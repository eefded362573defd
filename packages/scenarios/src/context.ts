import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  spawnProcess as spawnAnyProcess,
  spawnWorkerWithReadySignal,
  type WorkerProcess,
} from '@plh/worker-process';
import type { ScenarioContext, SpawnOptions } from './scenario.js';

/** The worker entry built next to this file (dist/workers.js). */
export const workersEntry = fileURLToPath(new URL('./workers.js', import.meta.url));

let runCounter = 0;

export interface OwnedContext extends ScenarioContext {
  readonly workers: readonly WorkerProcess[];
  /** Kills every worker still running, runs cleanup steps, removes the temp dir. */
  dispose(): Promise<void>;
}

export function createScenarioContext(options: { waitMs: number }): OwnedContext {
  const tempDir = mkdtempSync(join(tmpdir(), 'plh-scenario-'));
  const workers: WorkerProcess[] = [];
  const events: string[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];
  const runId = `${process.pid}-${++runCounter}`;

  const track = (worker: WorkerProcess): WorkerProcess => {
    workers.push(worker);
    return worker;
  };

  return {
    tempDir,
    waitMs: options.waitMs,
    events,
    workers,
    spawnWorker(workerName: string, args: string[] = [], spawnOptions: SpawnOptions = {}) {
      return track(
        spawnWorkerWithReadySignal(workersEntry, workerName, args, {
          env: spawnOptions.env,
          release: spawnOptions.release,
        }),
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
      return `${prefix}-${runId}`;
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
    },
  };
}
