export { READY_FD_ENV, RELEASE_FD_ENV, READY_HANDLE_ENV, DEFAULT_TIMEOUT_MS, DEFAULT_RELEASE_TIMEOUT_MS } from './constants.js';
export { ReadySignalError, type ReadySignalErrorCode } from './errors.js';
export type { WaitOptions } from './arguments/wait-options.js';
export {
  signalTestReady,
  signalCheckpoint,
  closeReadySignal,
  type SignalReadyOptions,
  type SignalCheckpointOptions,
} from './child/signal.js';
export { waitForRelease } from './child/wait-for-release.js';
export { prepareReadySignal, type PrepareReadySignalOptions, type ReadySignalSetup } from './parent/prepare.js';
export { attachReadySignal, type AttachReadySignalOptions, type ReadySignalParent } from './parent/attach.js';
export type { ReadySignalEvent } from './parent/events.js';
