// Progress of the long commands (run, stress, crash, fuzz) on stderr, so that a long run in CI
// (stdout not a terminal) is never silent until its end: a line at most every few seconds, and
// one at the end. With --json nothing is printed (the report is the output).
import { performance } from 'node:perf_hooks';

/** Default interval between two progress lines. */
export const PROGRESS_EVERY_MS = 5_000;

export class Progress {
  #done = 0;
  #failed = 0;
  #lastPrint = performance.now();
  readonly #started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly everyMs = PROGRESS_EVERY_MS,
  ) {}

  /** One unit finished; prints when the interval passed or everything is done. */
  step(failed = false, count = 1): void {
    this.#done += count;
    if (failed) this.#failed++;
    const now = performance.now();
    if (now - this.#lastPrint >= this.everyMs || this.#done >= this.total) {
      this.#lastPrint = now;
      this.write(this.line(now));
    }
  }

  line(now = performance.now()): string {
    return `${this.label}: ${this.#done}/${this.total} ${this.unit}, ${this.#failed} failed (${((now - this.#started) / 1000).toFixed(1)} s)`;
  }
}
