// The one line protocol between a campaign (crash, fuzz) and its worker processes: the worker
// writes one event per line on stdout, synchronously (writeSync), so a line written before a
// SIGKILL is already in the pipe; the driver splits the stream back into lines.
import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Worker side: one event line on stdout, in the pipe before this call returns. */
export function emitLine(text: string): void {
  writeSync(1, `${text}\n`);
}

/** Driver side: calls `onLine` for every complete non-empty line of `stream`, in order. */
export function onLines(stream: Readable | null | undefined, onLine: (line: string) => void): void {
  if (!stream) throw new Error('onLines: the worker was spawned without a stdout pipe');
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (line) onLine(line);
    }
  });
}
