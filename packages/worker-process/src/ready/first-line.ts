// The raw first line of the ready pipe, for programs that are told an fd and write one line there
// (Xvfb -displayfd, dbus-daemon --print-address=FD, s6 notification-fd). Recorded from spawn on,
// beside the ready-signal parser, so a line that does not start with '@' keeps its text.
import type { Readable } from 'node:stream';

export class FirstLine {
  #bytes: Buffer[] = [];
  #line: string | undefined;
  #ended = false;
  readonly #listeners = new Set<() => void>();

  constructor(stream: Readable) {
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const newline = buffer.indexOf(0x0a);
      if (newline === -1) {
        this.#bytes.push(buffer);
        return;
      }
      this.#bytes.push(buffer.subarray(0, newline));
      this.#finish();
    };
    const onEnd = (): void => {
      if (this.#line === undefined && !this.#ended) {
        this.#ended = true;
        if (this.#bytes.length > 0) this.#finish(); // an unterminated line at EOF still counts
        else this.#notify();
      }
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    const stop = (): void => {
      stream.off('data', onData);
    };
    this.#stop = stop;
  }

  readonly #stop: () => void;

  /** The line without its newline (and without a trailing '\r'), once it arrived. */
  get line(): string | undefined {
    return this.#line;
  }

  /** True when the pipe closed before any byte. */
  get closedEmpty(): boolean {
    return this.#ended && this.#line === undefined;
  }

  /** Bytes received so far without a newline (for reports). */
  get partial(): string {
    return Buffer.concat(this.#bytes).toString('utf8');
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #finish(): void {
    const text = Buffer.concat(this.#bytes).toString('utf8');
    this.#line = text.endsWith('\r') ? text.slice(0, -1) : text;
    this.#bytes = [];
    this.#stop();
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
