// Ready.listening(): a TCP socket in LISTEN state held by the child's process tree, read from
// /proc (no connection attempt). Polled with backoff and on every output chunk: the kernel has no
// event for "a process started listening".
import { treePidsFast } from '../proc/children.js';
import { pollUntil } from './poll.js';
import { ListenProbe, type ListeningSocket } from './proc-net.js';
import { badStrategyArgument, checkOptions } from './validate.js';
import { defineStrategy, type ReadyContext, type ReadyStrategy } from './strategy.js';

export interface ListeningOptions {
  /** Wait for this port (default: the first port the tree listens on; port 0 programs welcome). */
  port?: number;
  /** Only sockets of this family. */
  family?: 4 | 6;
}

export interface ListeningResult {
  [learned: string]: unknown;
  by: string;
  payload: string;
  port: number;
  /** Every LISTEN socket of the tree at that moment. */
  listening: ListeningSocket[];
}

export function describeSockets(sockets: readonly ListeningSocket[]): string {
  return sockets.map((s) => `${s.family === 6 ? `[${s.address}]` : s.address}:${s.port} (pid ${s.pid})`).join(', ');
}

export function checkListeningOptions(where: string, options: unknown): { port?: number; family?: 4 | 6 } {
  const o = checkOptions(where, options, ['port', 'family']);
  if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) {
    throw badStrategyArgument(where, 'port must be an integer from 1 to 65535 (leave it out to take the first port the program listens on)', o.port);
  }
  if (o.family !== undefined && o.family !== 4 && o.family !== 6) throw badStrategyArgument(where, 'family must be 4 or 6', o.family);
  return o as { port?: number; family?: 4 | 6 };
}

/** The watch part, shared with Ready.http (which needs the address first). */
export function watchListening(context: ReadyContext, wanted: { port?: number; family?: 4 | 6 }, label: string) {
  let checks = 0;
  let seen: ListeningSocket[] = [];
  const probe = new ListenProbe();
  const result = pollUntil<ListeningResult>(context, () => {
    checks++;
    const sockets = probe.check(treePidsFast(context.pid));
    if (describeSockets(sockets) !== describeSockets(seen)) context.observe(label, sockets.length ? `listening ${describeSockets(sockets)}` : 'no LISTEN socket');
    seen = sockets;
    const hit = sockets.find((s) => (wanted.port === undefined || s.port === wanted.port) && (wanted.family === undefined || s.family === wanted.family));
    return hit ? { by: 'listening', payload: String(hit.port), port: hit.port, listening: sockets } : undefined;
  });
  const report = (): string =>
    `${label}: ${seen.length ? `the tree listens on ${describeSockets(seen)}` : 'no TCP LISTEN socket in the process tree'}` +
    `${wanted.port !== undefined ? `, waiting for port ${wanted.port}` : ''}${wanted.family ? ` (IPv${wanted.family})` : ''} (${checks} checks of /proc)`;
  return { result, report };
}

export function listening(options?: ListeningOptions): ReadyStrategy {
  const wanted = checkListeningOptions('Ready.listening()', options);
  return defineStrategy({
    kind: 'listening',
    description: `a TCP socket in LISTEN state${wanted.port !== undefined ? ` on port ${wanted.port}` : ''}${wanted.family ? ` (IPv${wanted.family})` : ''} held by the process tree`,
    needs: {},
    start: (context) => watchListening(context, wanted, 'listening'),
  });
}
