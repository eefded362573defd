import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { WorkerProcessError } from '../errors.js';
import { describeValue } from './scenario.js';
import { needsReadyPipe, normalizeReady } from '../ready/option.js';
import type { ReadyStrategy } from '../ready/strategy.js';

/** Options shared by spawnWorker, spawnWorkerWithReadySignal and spawnProcess. */
export interface SpawnOptions {
  /** Extra environment variables, merged over process.env (a value of undefined removes a variable). */
  env?: Record<string, string | undefined>;
  /** Working directory of the child (default process.cwd()); relative entries resolve against it. */
  cwd?: string;
  /** Node.js flags placed before the entry (spawnWorker*), e.g. ['--enable-source-maps']. Alias: execArgv. */
  nodeOptions?: string[];
  /** Alias of nodeOptions. */
  execArgv?: string[];
  /** Default timeout of waitForReady / waitForCheckpoint in ms (default 10 000; Infinity: no bound). */
  readyTimeoutMs?: number;
  /** Default timeout of waitForExit / expectOk in ms (default 10 000; Infinity: no bound). */
  exitTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL in ms (default 2 000). */
  killGraceMs?: number;
  /** Also create the release pipe (default true whenever the ready pipe is on). */
  release?: boolean;
  /** Aborting kills the child (SIGTERM, then SIGKILL after killGraceMs); pending waits reject with ERR_WORKER_ABORTED. */
  signal?: AbortSignal;
  /** Bytes of stdout and of stderr kept (the tail); default 16 MiB each. */
  maxBuffer?: number;
  /** How waitForReady knows the child is ready: a strategy of the Ready namespace (Ready.listening(), Ready.log(...), ...). */
  ready?: ReadyStrategy;
}

/** spawnProcess adds the ready pipe only on request. */
export interface SpawnProcessOptions extends SpawnOptions {
  readySignal?: boolean;
}

export interface NormalizedOptions {
  env: Record<string, string | undefined>;
  cwd: string;
  nodeOptions: string[];
  readyTimeoutMs: number;
  exitTimeoutMs: number;
  killGraceMs: number;
  readySignal: boolean;
  release: boolean;
  signal: AbortSignal | undefined;
  maxBuffer: number;
  /** The readiness strategy (Ready.signal() when the ready pipe is on and no other was given). */
  ready: ReadyStrategy | undefined;
}

export const DEFAULT_READY_TIMEOUT_MS = 10_000;
export const DEFAULT_EXIT_TIMEOUT_MS = 10_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;
export const DEFAULT_MAX_BUFFER = 16 * 1024 * 1024;

const KNOWN_KEYS = [
  'env', 'cwd', 'nodeOptions', 'execArgv', 'readyTimeoutMs', 'exitTimeoutMs', 'killGraceMs',
  'release', 'signal', 'maxBuffer', 'readySignal', 'ready',
] as const;

function invalid(message: string): WorkerProcessError {
  return new WorkerProcessError('ERR_WORKER_INVALID_ARGUMENT', message);
}

/**
 * The timeout convention of the whole project (top README, "Timeouts"), the one validator of this
 * package: undefined → `fallback`; 0 → do not block; a positive number → an upper bound in ms;
 * Infinity → no bound. Anything else is ERR_WORKER_INVALID_ARGUMENT.
 */
export function validateTimeout(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && value >= 0) return value === 0 ? 0 : value; // NaN fails >= 0; -0 becomes 0
  throw invalid(`The ${name} option must be 0 (do not block), a positive number of milliseconds or Infinity (no bound), got ${describeValue(value)}.`);
}

/** A grace period or size: a finite number >= 0. */
export function validateDuration(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalid(`The ${name} option must be a finite number >= 0 (milliseconds), got ${describeValue(value)}.`);
  }
  return value;
}

function validateStringArray(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalid(`The ${name} option must be an array of strings, got ${describeValue(value)}.`);
  }
  return [...value] as string[];
}

export function validateAbortSignal(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw invalid(`The ${name} option must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal), got ${describeValue(value)}.`);
  }
  return value;
}

export function normalizeOptions(options: unknown, defaults: { readySignal: boolean; allowReadySignalOption: boolean }): NormalizedOptions {
  if (options === undefined) options = {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`The options must be a plain object, got ${describeValue(options)}.`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key) || (key === 'readySignal' && !defaults.allowReadySignalOption)) {
      const known = KNOWN_KEYS.filter((k) => k !== 'readySignal' || defaults.allowReadySignalOption);
      throw invalid(`Unknown option ${JSON.stringify(key)}. Known options: ${known.join(', ')}.`);
    }
  }

  let cwd = process.cwd();
  if (o.cwd !== undefined) {
    if (typeof o.cwd !== 'string' || o.cwd.length === 0) throw invalid(`The cwd option must be a directory path, got ${describeValue(o.cwd)}.`);
    cwd = resolve(o.cwd);
    let isDir = false;
    try {
      isDir = statSync(cwd).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw invalid(`The cwd option names a directory that does not exist: ${cwd}. Create it or pass an existing one.`);
  }

  const env: Record<string, string | undefined> = {};
  if (o.env !== undefined) {
    if (o.env === null || typeof o.env !== 'object' || Array.isArray(o.env)) {
      throw invalid(`The env option must be an object of strings, got ${describeValue(o.env)}.`);
    }
    for (const [key, value] of Object.entries(o.env as Record<string, unknown>)) {
      if (value !== undefined && typeof value !== 'string') {
        throw invalid(`env.${key} must be a string (or undefined to remove it), got ${describeValue(value)}. Convert it with String().`);
      }
      env[key] = value as string | undefined;
    }
  }

  if (o.nodeOptions !== undefined && o.execArgv !== undefined) {
    throw invalid('Pass either nodeOptions or execArgv, not both (they are aliases).');
  }
  const nodeOptions =
    o.nodeOptions !== undefined ? validateStringArray(o.nodeOptions, 'nodeOptions')
    : o.execArgv !== undefined ? validateStringArray(o.execArgv, 'execArgv')
    : [];

  const askedSignal = o.readySignal === undefined ? defaults.readySignal : o.readySignal;
  if (typeof askedSignal !== 'boolean') throw invalid(`The readySignal option must be a boolean, got ${describeValue(askedSignal)}.`);
  if (o.readySignal === true && o.ready !== undefined) {
    throw invalid('Pass either readySignal: true or a ready strategy, not both (readySignal: true is the short form of ready: Ready.signal()).');
  }
  const ready = normalizeReady(o.ready, askedSignal);
  const readySignal = askedSignal || needsReadyPipe(ready);
  if (o.release !== undefined && typeof o.release !== 'boolean') throw invalid(`The release option must be a boolean, got ${describeValue(o.release)}.`);
  const release = readySignal && (o.release as boolean | undefined) !== false;
  if (o.release === true && !readySignal) {
    throw invalid('The release option needs the ready pipe: use spawnWorkerWithReadySignal, or spawnProcess with readySignal: true.');
  }

  return {
    env,
    cwd,
    nodeOptions,
    readyTimeoutMs: validateTimeout(o.readyTimeoutMs, 'readyTimeoutMs', DEFAULT_READY_TIMEOUT_MS),
    exitTimeoutMs: validateTimeout(o.exitTimeoutMs, 'exitTimeoutMs', DEFAULT_EXIT_TIMEOUT_MS),
    killGraceMs: validateDuration(o.killGraceMs, 'killGraceMs', DEFAULT_KILL_GRACE_MS),
    readySignal,
    release,
    signal: validateAbortSignal(o.signal),
    maxBuffer: validateDuration(o.maxBuffer, 'maxBuffer', DEFAULT_MAX_BUFFER),
    ready,
  };
}

/** Options of one wait (waitForReady, waitForCheckpoint, waitForExit, expectOk). */
export interface WaitOptions {
  /** undefined: the spawn option's default; 0: do not block; a positive number: ms; Infinity: no bound. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function validateWaitOptions(options: unknown, where: string): { timeoutMs?: number; signal?: AbortSignal; graceMs?: number } {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalid(`The options of ${where} must be an object like { timeoutMs: 5000 }, got ${describeValue(options)}.`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!['timeoutMs', 'signal', 'graceMs'].includes(key)) {
      throw invalid(`Unknown option ${JSON.stringify(key)} of ${where}. Known options: timeoutMs, signal${where.includes('Exit') || where.includes('expectOk') ? ', graceMs' : ''}.`);
    }
  }
  return {
    timeoutMs: o.timeoutMs === undefined ? undefined : validateTimeout(o.timeoutMs, `${where} timeoutMs`, 0),
    graceMs: o.graceMs === undefined ? undefined : validateDuration(o.graceMs, `${where} graceMs`, 0),
    signal: validateAbortSignal(o.signal, `${where} signal`),
  };
}
