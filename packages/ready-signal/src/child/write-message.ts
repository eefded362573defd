import { closeSync, writeSync } from 'node:fs';
import { ReadySignalError } from '../errors.js';

/** Errors meaning the parent's end is gone: the message could not be delivered. */
const PEER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ENOTCONN']);

/** Writes the whole message with one write(2); false when the parent's end is closed. */
export function writeMessage(fd: number, message: Buffer): boolean {
  try {
    let offset = 0;
    while (offset < message.length) offset += writeSync(fd, message, offset);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (PEER_GONE.has(code)) return false;
    throw new ReadySignalError('ERR_READY_BAD_FD', `Writing to the ready fd ${fd} failed (${code}): ${(error as Error).message}.`, { cause: error });
  }
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to do
  }
}
