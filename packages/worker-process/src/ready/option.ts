// The `ready` spawn option: a strategy, with `readySignal: true` as the short form of Ready.signal().
import { describeValue } from '../arguments/scenario.js';
import { WorkerProcessError } from '../errors.js';
import { signal } from './signal.js';
import { isStrategy, type ReadyStrategy } from './strategy.js';

export function normalizeReady(ready: unknown, readySignal: boolean): ReadyStrategy | undefined {
  if (ready === undefined) return readySignal ? signal() : undefined;
  if (!isStrategy(ready)) {
    throw new WorkerProcessError(
      'ERR_WORKER_INVALID_ARGUMENT',
      `The ready option must be a strategy from the Ready namespace (e.g. Ready.listening(), Ready.log(/listening on (\\d+)/), Ready.http('/health')), got ${describeValue(ready)}.`,
    );
  }
  return ready;
}

/** Strategies that use the pipe in $PLH_TEST_READY_FD. */
export function needsReadyPipe(strategy: ReadyStrategy | undefined): boolean {
  return strategy?.needs.readyPipe === true;
}
