import { Socket } from 'node:net';
import type { Settler } from '../arguments/bounded-wait.js';
import { ReadySignalError } from '../errors.js';

/**
 * Reads the release fd (parent → child) without blocking the event loop. Every byte the parent
 * sends opens the gate once; the socket is unref'd whenever nobody waits, so it never keeps the
 * process alive.
 */
export class ReleaseGate {
  private tokens = 0;
  private ended = false;
  private readonly waiters: Array<Settler<void>> = [];
  private readonly socket: Socket;

  constructor(fd: number) {
    this.socket = new Socket({ fd, readable: true, writable: false, allowHalfOpen: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.tokens += chunk.length;
      this.serve();
    });
    const onEnd = (): void => {
      this.ended = true;
      this.serve();
    };
    this.socket.on('end', onEnd);
    this.socket.on('close', onEnd);
    this.socket.on('error', onEnd);
    this.socket.unref();
  }

  wait(settler: Settler<void>): () => void {
    this.waiters.push(settler);
    this.serve();
    this.updateRef();
    return () => {
      const index = this.waiters.indexOf(settler);
      if (index !== -1) this.waiters.splice(index, 1);
      this.updateRef();
    };
  }

  private serve(): void {
    while (this.waiters.length > 0 && this.tokens > 0) {
      this.tokens -= 1;
      this.waiters.shift()?.resolve();
    }
    if (this.ended) {
      for (const waiter of this.waiters.splice(0)) {
        waiter.reject(new ReadySignalError('ERR_READY_PARENT_GONE', 'The parent closed the release pipe (it exited or called close()) before releasing this process.'));
      }
    }
    this.updateRef();
  }

  private updateRef(): void {
    if (this.ended) return;
    if (this.waiters.length > 0) this.socket.ref();
    else this.socket.unref();
  }
}
