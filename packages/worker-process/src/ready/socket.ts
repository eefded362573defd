// Ready.socket(path): a Unix socket that accepts a connection. fs.watch tells when the path
// appears; the socket exists from bind() but accepts only after listen(), so a refused connection
// is retried on the next change, output chunk or backoff tick.
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pollUntil } from './poll.js';
import { checkPath } from './validate.js';
import { watchPath } from './watch-path.js';
import { defineStrategy, type ReadyStrategy } from './strategy.js';

function tryConnect(path: string, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((done) => {
    const socket = connect({ path });
    const finish = (error?: string): void => {
      socket.destroy();
      signal.removeEventListener('abort', onAbort);
      done(error);
    };
    const onAbort = (): void => finish('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish());
    socket.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

export function socket(path: string): ReadyStrategy {
  const target = resolve(checkPath('Ready.socket()', path));
  return defineStrategy({
    kind: 'socket',
    description: `the Unix socket ${target} to accept a connection`,
    needs: {},
    start(context) {
      let lastError = 'the path does not exist';
      const result = new Promise<{ by: string; payload: string; path: string }>((done) => {
        let polling = false;
        watchPath(target, context.signal, () => {
          if (polling || !existsSync(target)) return;
          polling = true;
          // It exists: from here, connect until it accepts (bind and listen are two calls).
          void pollUntil(context, async () => {
            const error = await tryConnect(target, context.signal);
            if (error === undefined) return true;
            lastError = `connect: ${error}`;
            return undefined;
          }).then(() => {
            context.observe('socket', `${target} accepted a connection`);
            done({ by: 'socket', payload: target, path: target });
          });
        });
      });
      return { result, report: () => `socket: ${target}: ${lastError}` };
    },
  });
}
