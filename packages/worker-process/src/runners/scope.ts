// A set of processes started for one owner (a test, a fixture, a file, a global setup): spawns
// that carry the owner's AbortSignal, and a cleanup that terminates exactly these processes.
// The test-runner integrations (vitest.ts, node-test.ts) are thin over it.
import type { SpawnOptions, SpawnProcessOptions } from '../arguments/options.js';
import { fixtureOwnedWorkers } from '../exit/registry.js';
import { spawnProcess, spawnWorker, spawnWorkerWithReadySignal } from '../methods.js';
import { anySignal } from '../utils/bounded.js';
import type { WorkerProcess } from '../worker-process.js';
import { describeProcesses } from './report.js';

export interface ProcessScopeOptions {
  /** Aborting it terminates every process of the scope (e.g. the test's own signal). */
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL when the scope ends (default 2 000 ms, the spawn default). */
  graceMs?: number;
  /** @internal set by the fixtures: cleanupWorkersAfterEach leaves these processes to the scope. */
  owned?: boolean;
}

export class ProcessScope {
  readonly #processes: WorkerProcess[] = [];
  readonly #signal: AbortSignal | undefined;
  readonly #graceMs: number | undefined;
  readonly #owned: boolean;

  constructor(options: ProcessScopeOptions = {}) {
    this.#signal = options.signal;
    this.#graceMs = options.graceMs;
    this.#owned = options.owned ?? false;
  }

  /** The processes started (or adopted) in this scope, in order. */
  get processes(): readonly WorkerProcess[] {
    return this.#processes;
  }

  /** spawnProcess with the scope's signal; terminated when the scope ends. */
  spawnProcess(file: string, args: readonly string[] = [], options: SpawnProcessOptions = {}): WorkerProcess {
    return this.adopt(spawnProcess(file, args, this.#withSignal(options)));
  }

  /** spawnWorker with the scope's signal; terminated when the scope ends. */
  spawnWorker(entry: string | URL, scenario: string, args: readonly string[] = [], options: SpawnOptions = {}): WorkerProcess {
    return this.adopt(spawnWorker(entry, scenario, args, this.#withSignal(options)));
  }

  /** spawnWorkerWithReadySignal with the scope's signal; terminated when the scope ends. */
  spawnWorkerWithReadySignal(entry: string | URL, scenario: string, args: readonly string[] = [], options: SpawnOptions = {}): WorkerProcess {
    return this.adopt(spawnWorkerWithReadySignal(entry, scenario, args, this.#withSignal(options)));
  }

  /** Makes a process started elsewhere part of this scope. Returns it. */
  adopt<T extends WorkerProcess>(process: T): T {
    this.#processes.push(process);
    if (this.#owned) fixtureOwnedWorkers().add(process);
    return process;
  }

  /** Output tails, exit status and the timeline of every process of the scope (for a failure report). */
  report(): string {
    return describeProcesses(this.#processes);
  }

  /** Terminates every process of the scope (and what each forked); resolves when all are gone (bounded). */
  async terminate(): Promise<void> {
    const graceMs = this.#graceMs;
    await Promise.all(this.#processes.map((p) => p.terminate(graceMs === undefined ? {} : { graceMs })));
  }

  #withSignal<T extends SpawnOptions>(options: T): T {
    const signal = anySignal(options.signal, this.#signal);
    return signal === undefined ? options : { ...options, signal };
  }
}
