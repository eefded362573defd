import { connect } from 'node:net';

/**
 * Windows only, NOT verified on Windows here: PLH_TEST_READY_HANDLE names a pipe
 * (`\\.\pipe\...`) the parent listens on. The message is sent asynchronously.
 */
export function writeWindowsHandle(path: string, message: Buffer): boolean {
  if (!path.startsWith('\\\\.\\pipe\\') && !path.startsWith('\\\\?\\pipe\\')) return false;
  const socket = connect(path);
  socket.on('error', () => socket.destroy());
  socket.end(message);
  return true;
}
