/** Stable error codes of @plh/worker-process. */
export type WorkerProcessErrorCode =
  | 'ERR_WORKER_ENTRY_NOT_FOUND'
  | 'ERR_WORKER_BAD_SCENARIO_NAME'
  | 'ERR_WORKER_INVALID_ARGUMENT'
  | 'ERR_WORKER_SPAWN_FAILED'
  | 'ERR_WORKER_EXITED_BEFORE_READY'
  | 'ERR_WORKER_READY_TIMEOUT'
  | 'ERR_WORKER_EXITED_BEFORE_CHECKPOINT'
  | 'ERR_WORKER_CHECKPOINT_TIMEOUT'
  | 'ERR_WORKER_NO_READY_SIGNAL'
  | 'ERR_WORKER_NO_RELEASE_PIPE'
  | 'ERR_WORKER_ABORTED'
  | 'ERR_WORKER_FAILED'
  | 'ERR_WORKER_BAD_LIFELINE_FD'
  /** A ready strategy learned that the child can never become ready (ERRNO=, a wrong exit code). */
  | 'ERR_WORKER_READY_FAILED'
  /** Ready.sdNotify() without the @plh/datablock-native addon installed. */
  | 'ERR_WORKER_READY_NATIVE_MISSING';

export interface WorkerProcessErrorDetails {
  pid?: number;
  scenario?: string;
  exitCode?: number | null;
  signal?: NodeJS.Signals | null;
  timedOut?: boolean;
  stdout?: string;
  stderr?: string;
  cause?: unknown;
}

/** Every error this package throws or rejects with. Switch on `code`, not on the message. */
export class WorkerProcessError extends Error {
  readonly code: WorkerProcessErrorCode;
  readonly pid?: number;
  readonly scenario?: string;
  readonly exitCode?: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly timedOut?: boolean;
  /** Full captured output at the time of the error (when known). */
  readonly stdout?: string;
  readonly stderr?: string;

  constructor(code: WorkerProcessErrorCode, message: string, details: WorkerProcessErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WorkerProcessError';
    this.code = code;
    const { cause: _cause, ...rest } = details;
    Object.assign(this, rest);
  }
}
