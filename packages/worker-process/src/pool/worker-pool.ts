// Warm workers (opt-in): a WorkerPool starts Node worker processes ahead of time, each of which
// imports the worker entry and waits inside runWorker for its assignment (pool/warm-child.ts).
// spawnWorkerWithReadySignal takes one, sends it the worker name, arguments and env, wraps it as
// an ordinary WorkerProcess, and starts a replacement in the background. Every process still runs
// exactly one worker and exits: fresh state, the same isolation as a cold spawn; only Node's
// start-up and the entry's imports are paid ahead of time.
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { validateArgs } from '../arguments/args.js';
import { validateEntry } from '../arguments/entry.js';
import { normalizeOptions, type NormalizedOptions, type SpawnOptions } from '../arguments/options.js';
import { describeValue, validateScenarioName } from '../arguments/scenario.js';
import { WorkerProcessError } from '../errors.js';
import { spawnWorkerWithReadySignal } from '../methods.js';
import { launchChild } from '../spawn/start.js';
import { planChildPlumbing, type ChildPlumbing } from '../spawn/stdio.js';
import { WorkerProcess } from '../worker-process.js';
import { WARM_FD_ENV, type WarmAssignment } from './warm-env.js';

export interface WorkerPoolOptions {
  /** Warm processes kept waiting (default 2). */
  size?: number;
  /** Node.js flags of every pooled process (a spawn asking for other flags starts cold). */
  nodeOptions?: string[];
  /** Working directory of every pooled process (a spawn asking for another one starts cold). */
  cwd?: string;
}

interface Warm {
  child: ChildProcess;
  plumbing: ChildPlumbing;
  assignFd: number;
  /** It wrote WAITING_BYTE: its entry is imported and it waits for an assignment. */
  waiting: boolean;
}

export class WorkerPool {
  readonly entry: string;
  readonly size: number;
  readonly #base: NormalizedOptions;
  readonly #idle: Warm[] = [];
  #closed = false;
  #refill: NodeJS.Immediate | undefined;
  #onWaiting: Array<() => void> = [];
  readonly #taken = new WeakSet<Warm>();
  /** Spawns served by a warm process / started cold (a counter for reports and tests). */
  readonly stats = { warm: 0, cold: 0 };

  constructor(entry: string | URL, options: WorkerPoolOptions = {}) {
    const { size = 2, ...rest } = options ?? {};
    if (!Number.isInteger(size) || size < 1 || size > 64) {
      throw new WorkerProcessError('ERR_WORKER_INVALID_ARGUMENT', `The pool size must be an integer from 1 to 64, got ${describeValue(size)}.`);
    }
    this.#base = normalizeOptions(rest, { readySignal: true, allowReadySignalOption: false });
    this.entry = validateEntry(entry, this.#base.cwd);
    this.size = size;
    this.#fill();
  }

  /** Idle warm processes right now (started, maybe still importing the entry). */
  get idle(): number {
    return this.#idle.length;
  }

  /** pids of the idle processes (diagnostics, tests). */
  idlePids(): number[] {
    return this.#idle.map((w) => w.child.pid!);
  }

  /** Resolves once every idle process has imported the entry and waits (or the pool closed). */
  warmed(): Promise<void> {
    if (this.#closed || this.#idle.every((w) => w.waiting)) return Promise.resolve();
    // Idle processes never keep this process alive, except while someone awaits their warm-up.
    for (const warm of this.#idle) if (!warm.waiting) assignPipe(warm).ref?.();
    return new Promise((resolve) => this.#onWaiting.push(resolve));
  }

  /**
   * Like spawnWorkerWithReadySignal(pool.entry, scenario, args, options), served by a warm process
   * when one is idle and the options allow it (same cwd and nodeOptions, release not turned off, the
   * default ready signal);
   * otherwise a cold spawn. Either way the result is an ordinary WorkerProcess.
   */
  spawnWorkerWithReadySignal(scenario: string, args: readonly string[] = [], options: SpawnOptions = {}): WorkerProcess {
    const name = validateScenarioName(scenario);
    const checkedArgs = validateArgs(args);
    const normalized = normalizeOptions(options, { readySignal: true, allowReadySignalOption: false });
    const fits = !this.#closed && options.ready === undefined && normalized.release && normalized.cwd === this.#base.cwd && sameList(normalized.nodeOptions, this.#base.nodeOptions);
    const warm = fits ? this.#take() : undefined;
    if (warm === undefined) {
      this.stats.cold++;
      return spawnWorkerWithReadySignal(this.entry, name, checkedArgs, options);
    }
    const assignment: WarmAssignment = { scenario: name, args: checkedArgs, env: options.env ?? {} };
    const pipe = warm.child.stdio[warm.assignFd] as Writable;
    pipe.end(`${JSON.stringify(assignment)}\n`);
    this.stats.warm++;
    this.#scheduleFill();
    return new WorkerProcess({
      child: warm.child,
      file: process.execPath,
      args: [...this.#base.nodeOptions, this.entry, name, ...checkedArgs],
      scenario: name,
      options: normalized,
      ready: warm.plumbing.ready,
      lifelineFd: warm.plumbing.lifelineFd,
      notify: warm.plumbing.notify,
    });
  }

  /**
   * Kills the idle processes (they exit without running anything) and stops refilling; resolves
   * once they are gone. Workers already handed out are not touched.
   */
  close(): Promise<void> {
    this.#closed = true;
    if (this.#refill !== undefined) clearImmediate(this.#refill);
    this.#notifyWaiting();
    const gone: Array<Promise<void>> = [];
    for (const warm of this.#idle.splice(0)) {
      const { child } = warm;
      if (child.exitCode === null && child.signalCode === null) {
        child.ref(); // awaited from here on: keep this process alive until it is reaped
        gone.push(new Promise((resolve) => child.once('exit', () => resolve())));
      }
      assignPipe(warm).destroy();
      child.kill('SIGKILL');
    }
    return Promise.all(gone).then(() => undefined);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #take(): Warm | undefined {
    // Prefer a process that already waits; else the oldest one (it is further in its start-up).
    const ready = this.#idle.findIndex((w) => w.waiting);
    if (ready > 0) this.#idle.unshift(...this.#idle.splice(ready, 1));
    while (this.#idle.length > 0) {
      const warm = this.#idle.shift()!;
      if (warm.child.exitCode === null && warm.child.signalCode === null) {
        this.#taken.add(warm);
        // From now on it is an ordinary worker: it keeps this process alive like a cold one.
        warm.child.ref();
        for (const stream of warm.child.stdio) (stream as { ref?: () => void } | null)?.ref?.();
        return warm;
      }
    }
    return undefined;
  }

  /** The replacement starts after the caller's own work of this tick (a spawn blocks a few ms). */
  #scheduleFill(): void {
    if (this.#refill === undefined && !this.#closed) {
      this.#refill = setImmediate(() => {
        this.#refill = undefined;
        this.#fill();
      });
    }
  }

  #notifyWaiting(): void {
    if (this.#closed || this.#idle.every((w) => w.waiting)) for (const resolve of this.#onWaiting.splice(0)) resolve();
  }

  #fill(): void {
    while (!this.#closed && this.#idle.length < this.size) this.#idle.push(this.#start());
  }

  #start(): Warm {
    const plumbing = planChildPlumbing(this.#base);
    plumbing.stdio.push('pipe');
    const assignFd = plumbing.stdio.length - 1;
    plumbing.env[WARM_FD_ENV] = String(assignFd);
    const child = launchChild(process.execPath, [...this.#base.nodeOptions, this.entry], this.#base, plumbing, undefined);
    const warm: Warm = { child, plumbing, assignFd, waiting: false };
    const pipe = assignPipe(warm);
    pipe.on('error', () => {});
    pipe.once('data', () => {
      warm.waiting = true;
      if (!this.#taken.has(warm)) pipe.unref?.();
      this.#notifyWaiting();
    });
    // An idle process must not keep this one alive, and one that dies idle is dropped.
    child.unref();
    for (const stream of child.stdio) (stream as { unref?: () => void } | null)?.unref?.();
    child.once('exit', () => {
      const index = this.#idle.indexOf(warm);
      if (index !== -1) this.#idle.splice(index, 1);
      this.#notifyWaiting();
    });
    return warm;
  }
}

const assignPipe = (warm: Warm) => warm.child.stdio[warm.assignFd] as Writable & { ref?: () => void; unref?: () => void };

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A pool of warm workers for `entry` (see WorkerPool). Close it when done. */
export function createWorkerPool(entry: string | URL, options?: WorkerPoolOptions): WorkerPool {
  return new WorkerPool(entry, options);
}
