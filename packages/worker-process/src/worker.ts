// Child side only: what a worker entry needs, without the parent side (and so without execa,
// which costs a worker about 200 ms of start-up). Import from '@plh/worker-process/worker'.
export { runWorker, UNKNOWN_SCENARIO_EXIT_CODE, type WorkerScenario, type RunWorkerOptions } from './child/run-worker.js';
export { exitWithParent, type ExitWithParentOptions } from './child/exit-with-parent.js';
export { exitAbruptly } from './child/exit-abruptly.js';
export { LIFELINE_FD_ENV, PARENT_GONE_EXIT_CODE } from './spawn/lifeline-env.js';
export { signalTestReady, signalCheckpoint, waitForRelease, type ReadySignalEvent } from '@plh/ready-signal';
