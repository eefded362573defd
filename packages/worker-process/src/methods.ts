import { validateArgs } from './arguments/args.js';
import { validateEntry } from './arguments/entry.js';
import { normalizeOptions, type SpawnOptions, type SpawnProcessOptions } from './arguments/options.js';
import { describeValue, validateScenarioName } from './arguments/scenario.js';
import { WorkerProcessError } from './errors.js';
import { startChild } from './spawn/start.js';
import type { WorkerProcess } from './worker-process.js';

/** execa style: the args array may be left out, options then come third. */
function splitParameters(args: unknown, options: unknown): [unknown, unknown] {
  if (args !== undefined && !Array.isArray(args) && options === undefined && typeof args === 'object' && args !== null) {
    return [undefined, args];
  }
  return [args, options];
}

function spawnNodeWorker(entry: unknown, scenario: unknown, rawArgs: unknown, rawOptions: unknown, readySignal: boolean): WorkerProcess {
  const [argsIn, optionsIn] = splitParameters(rawArgs, rawOptions);
  const options = normalizeOptions(optionsIn, { readySignal, allowReadySignalOption: false });
  const file = validateEntry(entry, options.cwd);
  const name = validateScenarioName(scenario);
  const args = validateArgs(argsIn);
  return startChild(process.execPath, [...options.nodeOptions, file, name, ...args], options, name);
}

/** Runs `node [nodeOptions] <entry> <scenario> ...args` with captured stdout/stderr (no ready pipe). */
export function spawnWorker(entry: string | URL, scenario: string, args?: readonly string[], options?: SpawnOptions): WorkerProcess;
export function spawnWorker(entry: string | URL, scenario: string, options?: SpawnOptions): WorkerProcess;
export function spawnWorker(entry: string | URL, scenario: string, args?: unknown, options?: unknown): WorkerProcess {
  return spawnNodeWorker(entry, scenario, args, options, false);
}

/** Like spawnWorker, plus the ready pipe (and, unless release: false, the release pipe). */
export function spawnWorkerWithReadySignal(entry: string | URL, scenario: string, args?: readonly string[], options?: SpawnOptions): WorkerProcess;
export function spawnWorkerWithReadySignal(entry: string | URL, scenario: string, options?: SpawnOptions): WorkerProcess;
export function spawnWorkerWithReadySignal(entry: string | URL, scenario: string, args?: unknown, options?: unknown): WorkerProcess {
  return spawnNodeWorker(entry, scenario, args, options, true);
}

/** Runs any executable (Python, C, shell...). `readySignal: true` adds the ready and release pipes. */
export function spawnProcess(file: string, args?: readonly string[], options?: SpawnProcessOptions): WorkerProcess;
export function spawnProcess(file: string, options?: SpawnProcessOptions): WorkerProcess;
export function spawnProcess(file: string, args?: unknown, options?: unknown): WorkerProcess {
  const [argsIn, optionsIn] = splitParameters(args, options);
  const normalized = normalizeOptions(optionsIn, { readySignal: false, allowReadySignalOption: true });
  if (typeof file !== 'string' || file.length === 0) {
    throw new WorkerProcessError('ERR_WORKER_INVALID_ARGUMENT', `spawnProcess needs an executable name or path as a non-empty string, got ${describeValue(file)}.`);
  }
  if (normalized.nodeOptions.length > 0) {
    throw new WorkerProcessError('ERR_WORKER_INVALID_ARGUMENT', 'nodeOptions/execArgv only apply to Node workers (spawnWorker*); put the flags into the args of spawnProcess.');
  }
  return startChild(file, validateArgs(argsIn), normalized, undefined);
}
