import { READY_FD_ENV } from '../constants.js';
import { ReadySignalError } from '../errors.js';
import { encodeCheckpoint, encodeReady, validateCheckpointName, validatePayload } from '../protocol/encode.js';
import { checkFd } from './check-fd.js';
import { childState } from './state.js';
import { writeWindowsHandle } from './windows-handle.js';
import { closeQuietly, writeMessage } from './write-message.js';

export interface SignalReadyOptions {
  /** Keep the ready fd open after ready, to send checkpoints later (default false: close it). */
  keepOpen?: boolean;
}

export interface SignalCheckpointOptions {
  /** This is the last message: close the ready fd after it. */
  last?: boolean;
}

/**
 * The ready fd, checked once (fstat) ahead of the signal: at import, so that the ready path
 * itself is one write(2). A bad fd is still reported by signalTestReady(), as ERR_READY_BAD_FD.
 */
export function precheckReadyFd(): void {
  const state = childState();
  if (state.readyFdText === undefined || state.checkedReadyFd !== undefined) return;
  try {
    state.checkedReadyFd = { fd: checkFd(READY_FD_ENV, state.readyFdText) };
  } catch (error) {
    state.checkedReadyFd = { error: error as Error };
  }
}

function checkedReadyFd(state: ReturnType<typeof childState>): number {
  precheckReadyFd();
  const checked = state.checkedReadyFd!;
  if ('error' in checked) throw checked.error;
  return checked.fd;
}

/**
 * Tells the parent this process is ready. Returns false when PLH_TEST_READY_FD is unset (no
 * parent is listening: the worker runs alone) or when the parent's end is already closed.
 * Closes the fd afterwards unless `keepOpen` is set (then checkpoints may follow).
 */
export function signalTestReady(payload?: string, options: SignalReadyOptions = {}): boolean {
  const state = childState();
  const text = validatePayload(payload);
  if (state.readyFdText === undefined) {
    if (state.readyHandle !== undefined && process.platform === 'win32' && !state.signalled) {
      state.signalled = true;
      state.closed = true;
      return writeWindowsHandle(state.readyHandle, encodeReady(text));
    }
    if (!state.signalled) return false;
  }
  if (state.signalled) {
    throw new ReadySignalError('ERR_READY_ALREADY_SIGNALLED', 'signalTestReady() was already called in this process; ready is sent once. Use signalCheckpoint(name) for later milestones.');
  }
  const fd = checkedReadyFd(state);
  state.readyFd = fd;
  state.signalled = true;
  const sent = writeMessage(fd, encodeReady(text));
  if (!sent || options.keepOpen !== true) closeReadyFd();
  return sent;
}

/**
 * Reports a named checkpoint after ready (requires signalTestReady(payload, { keepOpen: true })).
 * Returns false when PLH_TEST_READY_FD is unset or the parent's end is closed.
 */
export function signalCheckpoint(name: string, options: SignalCheckpointOptions = {}): boolean {
  const state = childState();
  const checked = validateCheckpointName(name);
  if (state.readyFdText === undefined) return false;
  if (!state.signalled) {
    throw new ReadySignalError('ERR_READY_NOT_SIGNALLED', `signalCheckpoint(${JSON.stringify(checked)}) before signalTestReady(): ready is always the first message. Call signalTestReady(payload, { keepOpen: true }) first.`);
  }
  if (state.closed || state.readyFd === undefined) {
    throw new ReadySignalError('ERR_READY_CLOSED', `signalCheckpoint(${JSON.stringify(checked)}) after the ready fd was closed. Call signalTestReady(payload, { keepOpen: true }) to keep it open for checkpoints, and pass { last: true } to the last checkpoint.`);
  }
  const sent = writeMessage(state.readyFd, encodeCheckpoint(checked));
  if (!sent || options.last === true) closeReadyFd();
  return sent;
}

/** Closes the ready fd (idempotent). The parent sees EOF: pending checkpoint waits reject. */
export function closeReadySignal(): void {
  closeReadyFd();
}

function closeReadyFd(): void {
  const state = childState();
  if (state.closed) return;
  state.closed = true;
  if (state.readyFd !== undefined) closeQuietly(state.readyFd);
}

// Check the ready fd now, at import, so that signalTestReady() is a single write(2).
precheckReadyFd();
