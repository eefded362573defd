import type { ChildProcess } from 'node:child_process';
import { attachReadySignal, type ReadySignalEvent, type ReadySignalParent, type ReadySignalSetup } from '@plh/ready-signal';
import { validateWaitOptions, type NormalizedOptions, type WaitOptions } from './arguments/options.js';
import { WorkerProcessError, type WorkerProcessErrorCode } from './errors.js';
import { killEscaped, killTree, termTree } from './exit/kill-tree.js';
import { liveWorkers } from './exit/registry.js';
import { OutputBuffer } from './io/output.js';
import { FirstLine } from './ready/first-line.js';
import type { NotifyChannel } from './ready/notify-channel.js';
import { Readiness, type ReadyHost } from './ready/readiness.js';
import type { OutputStream, ReadyResult } from './ready/strategy.js';
import { mergeEvents, type TimelineEvent } from './timeline/events.js';
import { describeExit, outputSection, type ExitInfo } from './return/describe.js';
import { holdLifeline } from './spawn/lifeline.js';
import { anySignal, within } from './utils/bounded.js';

/** What waitForExit resolves to. It never rejects because of the exit status. */
export interface WorkerExitResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** A waitForExit/expectOk timeout expired and the worker was sent SIGTERM. */
  timedOut: boolean;
  /** SIGTERM was not enough within the grace period: SIGKILL was sent. */
  forcedKill: boolean;
  stdout: string;
  stderr: string;
  /** From spawn to exit (or to the moment waitForExit gave up on a process that would not die). */
  durationMs: number;
}

export interface ExitWaitOptions extends WaitOptions {
  /** Between SIGTERM and SIGKILL after a timeout (default: the spawn option killGraceMs). */
  graceMs?: number;
}

/** After EOF on the ready pipe, how long to wait for the exit status to put it in the message. */
const EXIT_STATUS_BOUND_MS = 2_000;
/** After exit, how long to wait for the output pipes to drain (a grandchild may hold them). */
const OUTPUT_DRAIN_BOUND_MS = 1_000;
/** After SIGKILL, the last bound: a process stuck in the kernel is reported, not waited for forever. */
const AFTER_SIGKILL_BOUND_MS = 5_000;

interface WorkerProcessInit {
  child: ChildProcess;
  file: string;
  args: readonly string[];
  scenario: string | undefined;
  options: NormalizedOptions;
  ready: ReadySignalSetup | undefined;
  lifelineFd: number;
  notify?: NotifyChannel | undefined;
}

/** A spawned child. Created by spawnWorker, spawnWorkerWithReadySignal and spawnProcess. */
export class WorkerProcess {
  readonly pid: number;
  /** `module.scenario` for workers, undefined for spawnProcess. */
  readonly scenario: string | undefined;
  readonly file: string;
  readonly args: readonly string[];
  /** The underlying execa subprocess (a node:child_process ChildProcess). Escape hatch. */
  readonly child: ChildProcess;

  readonly #options: NormalizedOptions;
  readonly #ready: ReadySignalParent | undefined;
  readonly #hasRelease: boolean;
  readonly #stdout: OutputBuffer;
  readonly #stderr: OutputBuffer;
  readonly #startNs = process.hrtime.bigint();
  #endNs: bigint | undefined;
  #exit: ExitInfo | undefined;
  readonly #exitPromise: Promise<ExitInfo>;
  readonly #closePromise: Promise<void>;
  #timedOut = false;
  #forcedKill = false;
  #terminating: Promise<void> | undefined;
  readonly #readiness: Readiness | undefined;
  readonly #ownEvents: TimelineEvent[] = [];

  /** @internal use the spawn functions */
  constructor(init: WorkerProcessInit) {
    const { child, options } = init;
    if (child.pid === undefined) throw new Error('WorkerProcess needs a spawned child');
    this.pid = child.pid;
    this.child = child;
    this.file = init.file;
    this.args = init.args;
    this.scenario = init.scenario;
    this.#options = options;
    this.#stdout = new OutputBuffer(options.maxBuffer);
    this.#stderr = new OutputBuffer(options.maxBuffer);
    this.#stdout.attach(child.stdout);
    this.#stderr.attach(child.stderr);
    this.#ownEvents.push({ type: 'spawn', hrtime: this.#startNs, command: [init.file, ...init.args].join(' ').slice(0, 200) });

    holdLifeline(child, init.lifelineFd);

    child.on('error', () => {}); // e.g. a kill() that fails; the exit event still tells the story
    this.#exitPromise = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (exitCode, signal) => {
        this.#endNs = process.hrtime.bigint();
        this.#exit = { exitCode, signal };
        this.#ownEvents.push({ type: 'exit', hrtime: this.#endNs, exitCode, signal });
        init.notify?.close();
        resolve(this.#exit);
      });
    });
    this.#closePromise = new Promise<void>((resolve) => child.once('close', () => resolve()));

    this.#hasRelease = init.ready?.releaseFd !== undefined;
    this.#ready = init.ready
      ? attachReadySignal(child, init.ready)
      : undefined;
    this.#readiness = options.ready ? new Readiness(options.ready, this.#readyHost(init)) : undefined;

    const registry = liveWorkers();
    registry.add(this);
    const onAbort = () => void this.terminate();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    void this.#exitPromise.then(() => {
      registry.delete(this);
      options.signal?.removeEventListener('abort', onAbort);
    });
  }

  /** Captured stdout so far (the tail, if longer than maxBuffer). */
  get stdout(): string {
    return this.#stdout.text();
  }

  /** Captured stderr so far. */
  get stderr(): string {
    return this.#stderr.text();
  }

  /** True once the child has exited. */
  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** Ready and checkpoint events in arrival order, with hrtime (empty without the ready pipe). */
  get events(): ReadonlyArray<ReadySignalEvent> {
    return this.#ready?.events ?? [];
  }

  /** Spawn, ready-pipe messages, what readiness strategies observed, and the exit, in order (hrtime). */
  get timeline(): ReadonlyArray<TimelineEvent> {
    return mergeEvents(this.#ownEvents, this.events);
  }

  /**
   * Resolves when the child is ready by its `ready` strategy (Ready.signal() for the ready pipe):
   * `{ by, payload?, ... }`. Rejects at once if the child dies first; a timeout's error reports
   * what each strategy saw.
   */
  async waitForReady(options?: WaitOptions): Promise<ReadyResult> {
    const o = validateWaitOptions(options, 'waitForReady');
    const timeoutMs = o.timeoutMs ?? this.#options.readyTimeoutMs;
    const signal = anySignal(o.signal, this.#options.signal);
    if (this.#readiness && this.#readiness.strategy.kind !== 'signal') return this.#readiness.wait(timeoutMs, signal);
    const ready = this.#requireReady('waitForReady');
    const result = await this.#guard(() => ready.waitForReady({ timeoutMs, signal }), 'ready', timeoutMs);
    return { by: 'signal', ...result };
  }

  /** Resolves when the child reports the named checkpoint (after ready). */
  async waitForCheckpoint(name: string, options?: WaitOptions): Promise<void> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new WorkerProcessError('ERR_WORKER_INVALID_ARGUMENT', `waitForCheckpoint needs a non-empty checkpoint name, got ${JSON.stringify(name)}.`);
    }
    const o = validateWaitOptions(options, 'waitForCheckpoint');
    const ready = this.#requireReady('waitForCheckpoint');
    const timeoutMs = o.timeoutMs ?? this.#options.readyTimeoutMs;
    await this.#guard(() => ready.waitForCheckpoint(name, { timeoutMs, signal: anySignal(o.signal, this.#options.signal) }), `checkpoint '${name}'`, timeoutMs);
  }

  /** Lets the child's waitForRelease() resolve. */
  release(): void {
    if (!this.#ready || !this.#hasRelease) {
      throw new WorkerProcessError(
        'ERR_WORKER_NO_RELEASE_PIPE',
        `${this.#label()} has no release pipe. Spawn it with spawnWorkerWithReadySignal (release is on by default) or spawnProcess(..., { readySignal: true }) and do not pass release: false.`,
        this.#details(),
      );
    }
    this.#ready.release();
  }

  /**
   * Waits for the exit. Past timeoutMs: SIGTERM, then SIGKILL after graceMs; the result says so
   * (timedOut, forcedKill, signal). Rejects only on bad options or an abort of options.signal.
   */
  async waitForExit(options?: ExitWaitOptions): Promise<WorkerExitResult> {
    const o = validateWaitOptions(options, 'waitForExit');
    const timeoutMs = o.timeoutMs ?? this.#options.exitTimeoutMs;
    const graceMs = o.graceMs ?? this.#options.killGraceMs;
    if (!this.#exit) {
      const aborted = o.signal ? abortPromise(o.signal) : undefined;
      const done = await within(aborted ? Promise.race([this.#exitPromise, aborted.promise]) : this.#exitPromise, timeoutMs);
      aborted?.dispose();
      if (o.signal?.aborted && !this.#exit) {
        throw new WorkerProcessError('ERR_WORKER_ABORTED', `waitForExit of ${this.#label()} was aborted; the worker is still running (kill it with kill() or killAllWorkers()).`, this.#details());
      }
      if (!done.settled) {
        this.#timedOut = true;
        await this.terminate({ graceMs });
      }
    }
    if (this.#exit) await within(this.#closePromise, OUTPUT_DRAIN_BOUND_MS);
    return this.#result();
  }

  /** Waits for the exit like waitForExit and throws ERR_WORKER_FAILED unless the exit code is 0. */
  async expectOk(options?: ExitWaitOptions): Promise<WorkerExitResult> {
    const result = await this.waitForExit(options);
    if (result.exitCode === 0 && !result.timedOut) return result;
    const how = result.timedOut
      ? `did not exit within ${options?.timeoutMs ?? this.#options.exitTimeoutMs} ms, was sent SIGTERM${result.forcedKill ? ' and then SIGKILL' : ''} and ${describeExit(this.#exit)}`
      : describeExit(this.#exit);
    throw new WorkerProcessError(
      'ERR_WORKER_FAILED',
      `${this.#label()} ${how} (expected exit code 0).` + outputSection('stderr', result.stderr) + outputSection('stdout', result.stdout),
      { ...this.#details(), timedOut: result.timedOut },
    );
  }

  /** Sends a signal (default SIGTERM) to the child alone (terminate() ends its whole tree). Returns false if the child already exited. */
  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    if (this.#exit) return false;
    return this.child.kill(signal);
  }

  /**
   * Ends the child and every process it started: SIGTERM to all of them, then SIGKILL after
   * graceMs; resolves once the child is gone (bounded) and what it left behind is swept.
   */
  async terminate(options: { graceMs?: number } = {}): Promise<WorkerExitResult> {
    const graceMs = options.graceMs ?? this.#options.killGraceMs;
    this.#terminating ??= (async () => {
      if (this.#exit) return;
      const seen = termTree(this.pid);
      if (!(await within(this.#exitPromise, graceMs)).settled) {
        this.#forcedKill = true;
        killTree(this.pid, seen);
        await within(this.#exitPromise, AFTER_SIGKILL_BOUND_MS);
      }
      killEscaped(this.pid, seen);
    })();
    await this.#terminating;
    if (this.#exit) await within(this.#closePromise, OUTPUT_DRAIN_BOUND_MS);
    return this.#result();
  }

  /** `await using worker = spawnWorker(...)`: terminates the worker when the scope ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.terminate();
  }

  #readyHost(init: WorkerProcessInit): ReadyHost {
    const listeners = new Set<(stream: OutputStream, chunk: Buffer) => void>();
    for (const stream of ['stdout', 'stderr'] as const) {
      this.child[stream]?.on('data', (chunk: Buffer | string) => {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (const listener of [...listeners]) listener(stream, buffer);
      });
    }
    const readyStream = init.ready ? (this.child.stdio[init.ready.readyFd] as import('node:stream').Readable | null) : null;
    return {
      pid: this.pid,
      child: this.child,
      output: (stream) => (stream === 'stdout' ? this.stdout : this.stderr),
      onOutput: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      readyPipe: this.#ready,
      firstLine: readyStream ? new FirstLine(readyStream) : undefined,
      notify: init.notify,
      exited: () => this.#exit,
      exit: this.#exitPromise,
      closed: this.#closePromise,
      observe: (strategy, text) => void this.#ownEvents.push({ type: 'observed', hrtime: process.hrtime.bigint(), strategy, text }),
      label: () => this.#label(),
      details: () => this.#details(),
    };
  }

  #result(): WorkerExitResult {
    const end = this.#endNs ?? process.hrtime.bigint();
    return {
      exitCode: this.#exit?.exitCode ?? null,
      signal: this.#exit?.signal ?? null,
      timedOut: this.#timedOut,
      forcedKill: this.#forcedKill,
      stdout: this.stdout,
      stderr: this.stderr,
      durationMs: Number(end - this.#startNs) / 1e6,
    };
  }

  #label(): string {
    return this.scenario !== undefined ? `Worker ${this.scenario} (pid ${this.pid})` : `Process ${this.file} (pid ${this.pid})`;
  }

  #details() {
    return {
      pid: this.pid,
      scenario: this.scenario,
      exitCode: this.#exit?.exitCode,
      signal: this.#exit?.signal,
      stdout: this.stdout,
      stderr: this.stderr,
    };
  }

  #requireReady(method: string): ReadySignalParent {
    if (!this.#ready) {
      throw new WorkerProcessError(
        'ERR_WORKER_NO_READY_SIGNAL',
        `${method}: ${this.#label()} was spawned without the ready pipe. Use spawnWorkerWithReadySignal, or spawnProcess(..., { readySignal: true }).`,
        this.#details(),
      );
    }
    return this.#ready;
  }

  /** Runs a ready-signal wait and maps its errors to WorkerProcessError. */
  async #guard<T>(wait: () => Promise<T>, what: string, timeoutMs: number): Promise<T> {
    try {
      return await wait();
    } catch (error) {
      throw await this.#mapError(error, what, timeoutMs);
    }
  }

  async #mapError(error: unknown, what: string, timeoutMs: number): Promise<unknown> {
    const code = (error as { code?: unknown } | null)?.code;
    const isReady = what === 'ready';
    let mapped: WorkerProcessErrorCode | undefined;
    let message = '';
    switch (code) {
      case 'ERR_READY_CHILD_GONE':
        return this.#goneError(what, error);
      case 'ERR_READY_TIMEOUT':
        mapped = isReady ? 'ERR_WORKER_READY_TIMEOUT' : 'ERR_WORKER_CHECKPOINT_TIMEOUT';
        message = `${this.#label()} did not signal ${what} within ${timeoutMs} ms and ${describeExit(this.#exit)}. ` +
          `Check that it calls ${isReady ? 'signalTestReady()' : 'signalCheckpoint()'} (or writes to $PLH_TEST_READY_FD), or raise timeoutMs.` +
          outputSection('stderr', this.stderr);
        break;
      case 'ERR_READY_ABORTED':
        mapped = 'ERR_WORKER_ABORTED';
        message = `Waiting for ${what} of ${this.#label()} was aborted.`;
        break;
      case 'ERR_READY_INVALID_ARGUMENT':
        mapped = 'ERR_WORKER_INVALID_ARGUMENT';
        message = (error as Error).message;
        break;
      default:
        return error;
    }
    return new WorkerProcessError(mapped, message, { ...this.#details(), cause: error });
  }

  async #goneError(what: string, cause: unknown): Promise<WorkerProcessError> {
    // EOF on the ready pipe usually comes a moment before the exit status: wait for it (bounded).
    if ((await within(this.#exitPromise, EXIT_STATUS_BOUND_MS)).settled) await within(this.#closePromise, OUTPUT_DRAIN_BOUND_MS);
    const isReady = what === 'ready';
    const status = this.#exit
      ? `${describeExit(this.#exit)} before signalling ${what}`
      : `closed its ready pipe without signalling ${what} (it is still running)`;
    return new WorkerProcessError(
      isReady ? 'ERR_WORKER_EXITED_BEFORE_READY' : 'ERR_WORKER_EXITED_BEFORE_CHECKPOINT',
      `${this.#label()} ${status}.` + outputSection('stderr', this.stderr),
      { ...this.#details(), cause },
    );
  }
}

function abortPromise(signal: AbortSignal): { promise: Promise<void>; dispose(): void } {
  let listener: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    listener = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', listener, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', listener) };
}
