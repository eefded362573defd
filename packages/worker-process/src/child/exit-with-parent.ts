import { Socket } from 'node:net';
import { WorkerProcessError } from '../errors.js';
import { LIFELINE_FD_ENV, PARENT_GONE_EXIT_CODE } from '../spawn/lifeline-env.js';

let watching = false;

export interface ExitWithParentOptions {
  /** Exit code used when the parent is gone (default 129 = PARENT_GONE_EXIT_CODE). */
  exitCode?: number;
}

/**
 * Child side of the no-orphans guarantee. The parent (spawnWorker & co.) hands every child the
 * read end of a pipe whose other end only the parent holds, and names it in PLH_PARENT_LIFELINE_FD.
 * When the parent dies, even by SIGKILL, the kernel closes its end and we read EOF: we then call
 * process.exit(exitCode), so 'exit' handlers still run. The watch is unref'd: it never keeps the
 * process alive. The variable is removed from process.env so our own children do not inherit it.
 *
 * Returns false (and does nothing) when the variable is unset: the process was not spawned by us.
 * runWorker calls this for you. Needs a turning event loop (a worker blocked in synchronous code
 * notices at its next tick).
 */
export function exitWithParent(options: ExitWithParentOptions = {}): boolean {
  if (watching) return true;
  const raw = process.env[LIFELINE_FD_ENV];
  if (raw === undefined) return false;
  const exitCode = options.exitCode ?? PARENT_GONE_EXIT_CODE;
  const fd = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(fd) || fd < 3) {
    throw new WorkerProcessError('ERR_WORKER_BAD_LIFELINE_FD', `${LIFELINE_FD_ENV}=${JSON.stringify(raw)} is not an inherited fd number (>= 3). Unset it, or spawn this process with @plh/worker-process.`);
  }
  let socket: Socket;
  try {
    socket = new Socket({ fd, readable: true, writable: false });
  } catch (cause) {
    throw new WorkerProcessError('ERR_WORKER_BAD_LIFELINE_FD', `${LIFELINE_FD_ENV}=${fd} does not name an open pipe in this process (${(cause as Error).message}). Unset the variable, or spawn this process with @plh/worker-process.`, { cause });
  }
  delete process.env[LIFELINE_FD_ENV];
  watching = true;
  const parentGone = () => process.exit(exitCode);
  socket.on('data', () => {}); // the parent never writes; reading is what lets us see EOF
  socket.once('end', parentGone);
  socket.once('error', parentGone);
  socket.unref();
  return true;
}
