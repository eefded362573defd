import type { Readable } from 'node:stream';

const KEEP_BYTES = 8192;
const SHOW_LINES = 20;
const SHOW_CHARS = 2000;

/** Keeps the last few KiB of a child's stderr, for error messages. */
export class StderrTail {
  private chunks: Buffer[] = [];
  private size = 0;
  ended: boolean;

  constructor(readonly stream: Readable | null | undefined) {
    this.ended = stream === null || stream === undefined || stream.readableEnded || stream.destroyed;
    if (this.ended || !stream) return;
    stream.on('data', this.onData);
    stream.once('end', this.onEnd);
    stream.once('close', this.onEnd);
  }

  private readonly onData = (chunk: Buffer | string): void => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.chunks.push(buffer);
    this.size += buffer.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= KEEP_BYTES && this.chunks.length > 1) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
  };

  private readonly onEnd = (): void => {
    this.ended = true;
  };

  text(): string {
    const all = Buffer.concat(this.chunks).toString('utf8').replace(/\s+$/, '');
    const lines = all.split('\n').slice(-SHOW_LINES).join('\n');
    return lines.length > SHOW_CHARS ? `...${lines.slice(-SHOW_CHARS)}` : lines;
  }

  detach(): void {
    this.stream?.off('data', this.onData);
    this.stream?.off('end', this.onEnd);
    this.stream?.off('close', this.onEnd);
  }
}
