// Turns the text of PLH_TEST_READY_FD / PLH_TEST_RELEASE_FD into an fd number this process may
// use for signals: a number, not stdin/stdout/stderr, open, and a pipe or socket. Each refusal is
// an ERR_READY_BAD_FD that says what the fd is and what to do.
import { fstatSync, readlinkSync, type Stats } from 'node:fs';
import { ReadySignalError } from '../errors.js';

const STDIO_NAMES = ['stdin', 'stdout', 'stderr'];

const badFd = (message: string, cause?: unknown): ReadySignalError =>
  new ReadySignalError('ERR_READY_BAD_FD', message, { cause });

/** The text of a signal variable, or undefined when it is unset or empty (empty means unset). */
export function fdVariable(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

/** What an fd that is not a pipe or socket is, in words. */
function describeKind(fd: number, stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isCharacterDevice()) return 'a character device (a terminal, /dev/null or similar)';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isBlockDevice()) return 'a block device';
  let target: string | undefined;
  try {
    target = readlinkSync(`/proc/self/fd/${fd}`); // e.g. anon_inode:[eventpoll]
  } catch {
    target = undefined;
  }
  return target?.startsWith('anon_inode:')
    ? `${target}, one of this process's own descriptors (Node's event loop uses such fds)`
    : `${target ?? 'something'} (neither a pipe nor a socket)`;
}

/** Parses an fd number from an environment variable and checks it is an open pipe or socket. */
export function checkFd(variable: string, text: string): number {
  const howToFix = `The parent must pass a pipe at that fd (the stdio entries of prepareReadySignal()); unset ${variable} to run without a parent.`;
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw badFd(`${variable} is ${JSON.stringify(text)}, which is not a file descriptor number. The parent must set it to the fd number of an inherited pipe (e.g. "3"); unset it (or set it to "") to run without a parent.`);
  }
  const fd = Number(text.trim());
  if (fd <= 2) {
    throw badFd(`${variable}=${fd} names this process's ${STDIO_NAMES[fd]}; signals need a pipe of their own at fd 3 or above (a signal written to ${STDIO_NAMES[fd]} would mix with the program's own I/O, and closing it would lose the program's later output). ${howToFix}`);
  }
  if (process.platform === 'win32') return fd; // fstat says nothing useful about pipes there
  let stats;
  try {
    stats = fstatSync(fd);
  } catch (error) {
    throw badFd(`${variable}=${fd}, but fd ${fd} is not open in this process (${(error as NodeJS.ErrnoException).code ?? 'fstat failed'}): the variable is probably stale, inherited from a process that did not pass the pipe. ${howToFix}`, error);
  }
  if (!stats.isFIFO() && !stats.isSocket()) {
    throw badFd(`${variable}=${fd}, but fd ${fd} is ${describeKind(fd, stats)}, not a pipe or socket: the variable is probably stale, or the parent passed the wrong thing. ${howToFix}`);
  }
  return fd;
}
