import { READY_FD_ENV, READY_HANDLE_ENV, RELEASE_FD_ENV } from '../constants.js';
import { fdVariable } from './check-fd.js';
import type { ReleaseGate } from './release-gate.js';

/** Per-process child-side state; shared by the ESM and CJS builds through a global symbol. */
export interface ChildState {
  /** PLH_TEST_READY_FD as found at import; undefined when unset or empty. */
  readyFdText: string | undefined;
  readyHandle: string | undefined;
  releaseFdText: string | undefined;
  readyFd: number | undefined;
  signalled: boolean;
  closed: boolean;
  release: ReleaseGate | undefined;
  /** The ready fd checked at import (fstat), or the error to throw at signalTestReady(). */
  checkedReadyFd: { fd: number } | { error: Error } | undefined;
}

const KEY = Symbol.for('@plh/ready-signal.child-state');

/**
 * Reads the variables once and removes them from process.env at once, so that processes this
 * child spawns do not inherit them (they would signal our parent in our place).
 */
export function childState(): ChildState {
  const holder = globalThis as unknown as Record<symbol, ChildState | undefined>;
  let state = holder[KEY];
  if (state === undefined) {
    state = {
      readyFdText: fdVariable(process.env[READY_FD_ENV]),
      readyHandle: fdVariable(process.env[READY_HANDLE_ENV]),
      releaseFdText: fdVariable(process.env[RELEASE_FD_ENV]),
      readyFd: undefined,
      signalled: false,
      closed: false,
      release: undefined,
      checkedReadyFd: undefined,
    };
    delete process.env[READY_FD_ENV];
    delete process.env[READY_HANDLE_ENV];
    delete process.env[RELEASE_FD_ENV];
    holder[KEY] = state;
  }
  return state;
}

// Capture on import, before the program can spawn anything.
childState();
