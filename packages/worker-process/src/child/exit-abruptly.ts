type ReallyExit = (code: number) => never;

/**
 * Ends this process at once with `code` (default 1) and no cleanup, like C's _exit(): no 'exit'
 * or 'beforeExit' handlers, no pending finally blocks, no flushing of asynchronous writes.
 * Mechanism: process.reallyExit(code), the native exit underneath process.exit() (it skips the
 * JavaScript 'exit' event). Where that is unavailable, SIGKILL to self (the exit status is then
 * signal SIGKILL instead of the code). Use it to make zombie owners of locks and slots.
 */
export function exitAbruptly(code = 1): never {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new RangeError(`exitAbruptly(code): code must be an integer from 0 to 255, got ${String(code)}.`);
  }
  const reallyExit = (process as unknown as { reallyExit?: ReallyExit }).reallyExit;
  if (typeof reallyExit === 'function') reallyExit.call(process, code);
  process.kill(process.pid, 'SIGKILL');
  // Not reached; SIGKILL is delivered before the next instruction that matters.
  throw new Error('unreachable');
}
