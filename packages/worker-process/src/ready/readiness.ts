// One waitForReady: runs a strategy's watch against the child and ends it in exactly one way:
// ready (what the strategy learned), the child's death (at once, with exit status, what each
// strategy saw and the output tails), a timeout (the same report) or an abort.
import { WorkerProcessError, type WorkerProcessErrorDetails } from '../errors.js';
import { describeExit, outputSection, type ExitInfo } from '../return/describe.js';
import { within } from '../utils/bounded.js';
import { ReadyFailure, type ReadyContext, type ReadyResult, type ReadyStrategy } from './strategy.js';

/** After the exit, how long the output pipes may take to close (a grandchild may hold them). */
const DRAIN_BOUND_MS = 1_000;

export interface ReadyHost extends Omit<ReadyContext, 'signal'> {
  readonly closed: Promise<void>;
  label(): string;
  details(): WorkerProcessErrorDetails;
  output(stream: 'stdout' | 'stderr'): string;
}

function report(strategy: ReadyStrategy, text: string): string {
  return `\nwaiting for ${strategy.description}\n--- what each strategy saw ---\n${text.replace(/^/gm, '  ')}`;
}

function tails(host: ReadyHost): string {
  return outputSection('stdout', host.output('stdout')) + outputSection('stderr', host.output('stderr'));
}

export class Readiness {
  #result: ReadyResult | undefined;

  constructor(readonly strategy: ReadyStrategy, readonly host: ReadyHost) {}

  get result(): ReadyResult | undefined {
    return this.#result;
  }

  async wait(timeoutMs: number, signal: AbortSignal | undefined): Promise<ReadyResult> {
    if (this.#result) return this.#result;
    const { host, strategy } = this;
    if (signal?.aborted) throw this.#aborted();
    const stop = new AbortController();
    const context: ReadyContext = Object.assign(Object.create(host) as ReadyHost, { signal: stop.signal });
    let watch;
    try {
      watch = strategy.start(context);
    } catch (error) {
      stop.abort();
      throw error;
    }
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const ending = new Promise<never>((_, reject) => {
      if (timeoutMs !== Infinity) {
        timer = setTimeout(() => reject(this.#timeout(timeoutMs, watch.report())), Math.min(timeoutMs, 2 ** 31 - 1));
      }
      onAbort = () => reject(this.#aborted());
      signal?.addEventListener('abort', onAbort, { once: true });
      void host.exit.then(async (info) => {
        // Let the output drain and the watch read it (a line printed just before the exit, a ready
        // byte written just before it) before calling the death a failure.
        await within(host.closed, DRAIN_BOUND_MS);
        await new Promise((r) => setImmediate(r));
        reject(this.#died(info, watch.report()));
      });
    });
    try {
      const result = await Promise.race([watch.result, ending]);
      this.#result = result;
      host.observe('ready', `ready by ${result.by}${result.payload !== undefined ? ` (payload ${JSON.stringify(result.payload)})` : ''}`);
      return result;
    } catch (error) {
      if (error instanceof ReadyFailure) throw this.#failed(error, watch.report());
      if ((error as { code?: unknown })?.code === 'ERR_READY_CHILD_GONE') {
        await host.exit;
        throw this.#died(host.exited()!, watch.report());
      }
      throw error;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
  }

  #error(code: ConstructorParameters<typeof WorkerProcessError>[0], message: string, cause?: unknown): WorkerProcessError {
    return new WorkerProcessError(code, message, { ...this.host.details(), ...(cause ? { cause } : {}) });
  }

  #timeout(ms: number, seen: string): WorkerProcessError {
    return this.#error(
      'ERR_WORKER_READY_TIMEOUT',
      `${this.host.label()} was not ready within ${ms} ms and ${describeExit(this.host.exited())}.` +
        report(this.strategy, seen) + tails(this.host) + '\nRaise timeoutMs if its start-up is slow, or check the strategy against what it saw.',
    );
  }

  #died(info: ExitInfo, seen: string): WorkerProcessError {
    return this.#error('ERR_WORKER_EXITED_BEFORE_READY', `${this.host.label()} ${describeExit(info)} before it was ready.` + report(this.strategy, seen) + tails(this.host));
  }

  #failed(failure: ReadyFailure, seen: string): WorkerProcessError {
    return this.#error('ERR_WORKER_READY_FAILED', `${this.host.label()} cannot become ready: ${failure.message}.` + report(this.strategy, seen) + tails(this.host), failure);
  }

  #aborted(): WorkerProcessError {
    return this.#error('ERR_WORKER_ABORTED', `Waiting for ${this.host.label()} to be ready (${this.strategy.description}) was aborted.`);
  }
}
