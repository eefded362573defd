import { fstatSync } from 'node:fs';
import { ReadySignalError } from '../errors.js';

const badFd = (message: string, cause?: unknown): ReadySignalError =>
  new ReadySignalError('ERR_READY_BAD_FD', message, { cause });

/** Parses an fd number from an environment variable and checks it is an open pipe or socket. */
export function checkFd(variable: string, text: string): number {
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw badFd(`${variable} is ${JSON.stringify(text)}, which is not a file descriptor number. The parent must set it to the fd number of an inherited pipe (e.g. "3"); unset it to run without a parent.`);
  }
  const fd = Number(text.trim());
  if (process.platform === 'win32') return fd; // fstat says nothing useful about pipes there
  let stats;
  try {
    stats = fstatSync(fd);
  } catch (error) {
    throw badFd(`${variable}=${fd} but fd ${fd} is not open in this process (${(error as NodeJS.ErrnoException).code ?? 'fstat failed'}). Spawn the child with the extra stdio entries from prepareReadySignal(), or unset ${variable}.`, error);
  }
  if (!stats.isFIFO() && !stats.isSocket()) {
    const kind = stats.isFile() ? 'a regular file' : stats.isCharacterDevice() ? 'a character device (tty or similar)' : stats.isDirectory() ? 'a directory' : 'not a pipe';
    throw badFd(`${variable}=${fd} refers to ${kind}, not a pipe or socket. The parent must pass a pipe (stdio 'pipe' in Node) at that fd.`);
  }
  return fd;
}
