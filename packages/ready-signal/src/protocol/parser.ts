import { CHECKPOINT_WORD, MARKER, NEWLINE, READY_WORD } from './wire.js';

const READY_PREFIX = `${READY_WORD} `;
const CHECKPOINT_PREFIX = `${CHECKPOINT_WORD} `;

export type WireMessage =
  | { type: 'ready'; payload?: string }
  | { type: 'checkpoint'; name: string };

/** Incremental parser of the ready stream; feed it chunks, it calls `emit` per message. */
export class WireParser {
  private ready = false;
  private partial: Buffer | undefined;

  constructor(private readonly emit: (message: WireMessage) => void) {}

  feed(chunk: Buffer): void {
    let start = 0;
    if (!this.ready && this.partial === undefined) {
      if (chunk.length === 0) return;
      if (chunk[0] === MARKER) {
        // Fast path, the usual case: the whole ready line in the first chunk, decoded straight
        // from it (no copy): this runs right after a wake-up, when every step is slow.
        const newline = chunk.indexOf(NEWLINE);
        if (newline !== -1) {
          this.line(chunk.toString('utf8', 0, newline));
          start = newline + 1;
          if (start === chunk.length) return;
        }
      } else {
        // Plain one-byte ready (C, Python, shell, s6 newline): resolve on this very byte.
        this.ready = true;
        this.emit({ type: 'ready' });
        start = 1;
      }
    }
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      let line = chunk.subarray(start, newline);
      if (this.partial !== undefined) {
        line = Buffer.concat([this.partial, line]);
        this.partial = undefined;
      }
      this.line(line.toString('utf8'));
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.partial = this.partial === undefined ? Buffer.from(rest) : Buffer.concat([this.partial, rest]);
    }
  }

  /** EOF: an unterminated first '@' line still means ready; other partial lines are dropped. */
  end(): void {
    if (!this.ready && this.partial !== undefined) {
      this.ready = true;
      this.emit({ type: 'ready' });
    }
    this.partial = undefined;
  }

  private line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!this.ready) {
      this.ready = true;
      if (line === READY_WORD) {
        this.emit({ type: 'ready' });
        return;
      }
      if (line.startsWith(READY_PREFIX)) {
        this.emit({ type: 'ready', payload: line.slice(READY_PREFIX.length) });
        return;
      }
      // An '@' line that is not a ready line: ready first, then read the line as a message.
      this.emit({ type: 'ready' });
    }
    if (line.startsWith(CHECKPOINT_PREFIX) && line.length > CHECKPOINT_PREFIX.length) {
      this.emit({ type: 'checkpoint', name: line.slice(CHECKPOINT_PREFIX.length) });
    }
  }
}
