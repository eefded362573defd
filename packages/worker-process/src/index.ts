// Parent side: spawn, wait, kill.
export { spawnWorker, spawnWorkerWithReadySignal, spawnProcess } from './methods.js';
export { WorkerProcess, type WorkerExitResult, type ExitWaitOptions } from './worker-process.js';
export {
  type SpawnOptions,
  type SpawnProcessOptions,
  type WaitOptions,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_EXIT_TIMEOUT_MS,
  DEFAULT_KILL_GRACE_MS,
} from './arguments/options.js';
export { killAllWorkers } from './exit/kill-all.js';
export { ProcessScope, type ProcessScopeOptions } from './runners/scope.js';

// Readiness of any program, and the timeline of what happened.
export * as Ready from './ready/index.js';
export type { ReadyStrategy, ReadyResult } from './ready/strategy.js';
export type { ListeningSocket } from './ready/proc-net.js';
export { renderTimeline, type RenderTimelineOptions } from './timeline/render.js';
export type { TimelineEvent, TimelineSource } from './timeline/events.js';
export { WorkerPool, createWorkerPool, type WorkerPoolOptions } from './pool/worker-pool.js';
export { WorkerProcessError, type WorkerProcessErrorCode } from './errors.js';

// Child side: worker entries.
export { runWorker, UNKNOWN_SCENARIO_EXIT_CODE, type WorkerScenario, type RunWorkerOptions } from './child/run-worker.js';
export { exitWithParent, type ExitWithParentOptions } from './child/exit-with-parent.js';
export { exitAbruptly } from './child/exit-abruptly.js';
export { LIFELINE_FD_ENV, PARENT_GONE_EXIT_CODE } from './spawn/lifeline-env.js';

// Re-exported from @plh/ready-signal so a worker entry needs one import.
export { signalTestReady, signalCheckpoint, waitForRelease, type ReadySignalEvent } from '@plh/ready-signal';
