/** Stable error codes of @plh/ready-signal. */
export type ReadySignalErrorCode =
  | 'ERR_READY_CHILD_GONE'
  | 'ERR_READY_TIMEOUT'
  | 'ERR_READY_ABORTED'
  | 'ERR_READY_BAD_FD'
  | 'ERR_READY_ALREADY_SIGNALLED'
  | 'ERR_READY_INVALID_ARGUMENT'
  | 'ERR_READY_NOT_SIGNALLED'
  | 'ERR_READY_CLOSED'
  | 'ERR_READY_PARENT_GONE';

export interface ReadySignalErrorDetails {
  cause?: unknown;
  /** Exit code of the child, when it exited (ERR_READY_CHILD_GONE). */
  exitCode?: number | null;
  /** Signal that ended the child, when one did (ERR_READY_CHILD_GONE). */
  signal?: NodeJS.Signals | null;
  /** Last lines of the child's stderr, when they could be collected (ERR_READY_CHILD_GONE). */
  stderrTail?: string;
}

/** Every error this package throws or rejects with; switch on `code`, never on the message. */
export class ReadySignalError extends Error {
  readonly code: ReadySignalErrorCode;
  readonly exitCode?: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly stderrTail?: string;

  constructor(code: ReadySignalErrorCode, message: string, details: ReadySignalErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ReadySignalError';
    this.code = code;
    if ('exitCode' in details) this.exitCode = details.exitCode;
    if ('signal' in details) this.signal = details.signal;
    if (details.stderrTail !== undefined) this.stderrTail = details.stderrTail;
  }
}

export const invalidArgument = (message: string): ReadySignalError =>
  new ReadySignalError('ERR_READY_INVALID_ARGUMENT', message);
