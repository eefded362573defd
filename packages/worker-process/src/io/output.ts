import type { Readable } from 'node:stream';

/** Collects one output stream of the child, keeping at most `maxBytes` (the tail). */
export class OutputBuffer {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private dropped = 0;

  constructor(private readonly maxBytes: number) {}

  attach(stream: Readable | null | undefined): void {
    if (!stream) return;
    stream.on('data', (chunk: Buffer | string) => this.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    stream.on('error', () => {});
  }

  private push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes > this.maxBytes && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.bytes - this.maxBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.bytes -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.bytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Bytes dropped from the head because of maxBytes. */
  get droppedBytes(): number {
    return this.dropped;
  }

  text(): string {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]?.toString('utf8') ?? '';
  }
}

/** The last `maxLines` lines (and at most `maxChars` characters) of a text, for error messages. */
export function tail(text: string, maxLines = 20, maxChars = 2000): string {
  let lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length > maxLines) lines = lines.slice(-maxLines);
  let result = lines.join('\n');
  if (result.length > maxChars) result = '…' + result.slice(-maxChars);
  return result;
}
