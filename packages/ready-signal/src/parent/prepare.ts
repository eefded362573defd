import { READY_FD_ENV, RELEASE_FD_ENV } from '../constants.js';
import { invalidArgument } from '../errors.js';

export interface PrepareReadySignalOptions {
  /** Also create the release pipe (parent → child) for waitForRelease(). Default false. */
  release?: boolean;
  /** fd number of the first extra stdio entry in the child (its index in `stdio`). Default 3. */
  firstFd?: number;
}

export interface ReadySignalSetup {
  /** Merge into the child's env. */
  env: Record<string, string>;
  /** Append after the child's stdin/stdout/stderr entries (at index `firstFd`). */
  stdio: Array<'pipe'>;
  /** fd number of the ready pipe inside the child. */
  readyFd: number;
  /** fd number of the release pipe inside the child, when `release` was set. */
  releaseFd?: number;
}

/**
 * Describes the pipes a child needs: Node creates one socketpair per extra 'pipe' stdio entry,
 * and the child inherits its end as a plain fd whose number is passed in the environment.
 */
export function prepareReadySignal(options: PrepareReadySignalOptions = {}): ReadySignalSetup {
  if (typeof options !== 'object' || options === null) {
    throw invalidArgument(`prepareReadySignal() options must be an object, got ${options === null ? 'null' : typeof options}.`);
  }
  const { release = false, firstFd = 3 } = options;
  if (!Number.isInteger(firstFd) || firstFd < 3 || firstFd > 1000) {
    throw invalidArgument(`firstFd must be an integer from 3 to 1000 (0-2 are stdin/stdout/stderr), got ${String(firstFd)}.`);
  }
  if (typeof release !== 'boolean') throw invalidArgument(`release must be a boolean, got ${typeof release}.`);
  const setup: ReadySignalSetup = {
    env: { [READY_FD_ENV]: String(firstFd) },
    stdio: ['pipe'],
    readyFd: firstFd,
  };
  if (release) {
    setup.releaseFd = firstFd + 1;
    setup.env[RELEASE_FD_ENV] = String(firstFd + 1);
    setup.stdio.push('pipe');
  }
  return setup;
}
