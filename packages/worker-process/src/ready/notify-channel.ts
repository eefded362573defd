// The sd_notify socket of one child: a private directory holding a Unix datagram socket (the
// addon's NotifySocket), whose path goes to the child as NOTIFY_SOCKET. Messages are recorded
// from spawn on, so none is missed before the wait begins.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNotifySocket, type NotifySocketLike } from './load-native.js';

export interface NotifyMessage {
  pid: number;
  /** KEY=VALUE assignments of one datagram, in order. */
  fields: Array<[string, string]>;
  hrtime: bigint;
}

/** Splits an sd_notify datagram ("READY=1\nSTATUS=Loading\n") into its assignments. */
export function parseNotify(text: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue; // empty or malformed lines are ignored, as systemd does
    fields.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return fields;
}

export class NotifyChannel {
  readonly messages: NotifyMessage[] = [];
  readonly path: string;
  readonly #dir: string;
  readonly #socket: NotifySocketLike;
  readonly #listeners = new Set<() => void>();
  #closed = false;

  constructor() {
    const NotifySocket = loadNotifySocket();
    this.#dir = mkdtempSync(join(tmpdir(), 'plh-notify-'));
    this.path = join(this.#dir, 'notify');
    try {
      this.#socket = new NotifySocket(this.path, (message) => {
        this.messages.push({ pid: message.pid, fields: parseNotify(message.text), hrtime: process.hrtime.bigint() });
        for (const listener of [...this.#listeners]) listener();
      });
    } catch (error) {
      rmSync(this.#dir, { recursive: true, force: true });
      throw error;
    }
    this.#socket.unref();
  }

  onMessage(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes the socket and removes its directory (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
