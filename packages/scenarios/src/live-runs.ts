// The scenario runs in progress in this process, and their last-resort cleanup: when the process
// exits while a run is in progress (a second SIGINT/SIGTERM, e.g. `timeout` signalling the process
// and then its group; an uncaught error; process.exit), the 'exit' handler kills the run's
// workers and unlinks the segments named after it, synchronously, so nothing is left in /dev/shm.
import { rmSync } from 'node:fs';
import { DataBlock, DataBlockMutex } from '@plh/datablock';
import type { WorkerProcess } from '@plh/worker-process';

export interface LiveRun {
  readonly workers: readonly WorkerProcess[];
  /** Every name handed out by uniqueName(): a block or a standalone mutex may carry it. */
  readonly names: readonly string[];
  readonly cleanups: ReadonlyArray<() => void | Promise<void>>;
  readonly tempDir: string;
}

const live = new Set<LiveRun>();
let installed = false;

/** Registers a run until the returned function is called (at the end of its normal dispose). */
export function trackRun(run: LiveRun): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', cleanUpLiveRuns);
  }
  live.add(run);
  return () => live.delete(run);
}

const quietly = (fn: () => unknown): void => {
  try {
    const result = fn();
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // Last resort: keep cleaning the rest.
  }
};

/** Synchronous: SIGKILLs the workers, runs the sync part of each cleanup step, unlinks the names. */
export function cleanUpLiveRuns(): void {
  for (const run of live) {
    for (const worker of run.workers) quietly(() => worker.kill('SIGKILL'));
    for (const fn of [...run.cleanups].reverse()) quietly(fn);
    for (const name of run.names) {
      quietly(() => DataBlock.unlink(name));
      quietly(() => DataBlockMutex.unlink(name));
    }
    quietly(() => rmSync(run.tempDir, { recursive: true, force: true }));
  }
  live.clear();
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * For commands without a graceful stop (`run`): SIGINT/SIGTERM/SIGHUP exit at once with 128+n,
 * and the 'exit' handler above cleans up the run in progress (Node's default would die without
 * running it).
 */
export function exitOnSignals(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal as NodeJS.Signals, () => {
      log(`plh-scenarios: ${signal}: stopping the run in progress and removing its segments`);
      process.exit(code);
    });
  }
}
