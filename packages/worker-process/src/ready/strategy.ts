// The contract between a readiness strategy and the process it watches: what a strategy needs
// before the spawn, what it is given after, and what it hands back (a result or a report).
import type { ChildProcess } from 'node:child_process';
import type { ReadySignalParent } from '@plh/ready-signal';
import type { ExitInfo } from '../return/describe.js';
import type { FirstLine } from './first-line.js';
import type { NotifyChannel } from './notify-channel.js';

/** What waitForReady resolves to: `by` names the strategy that resolved, the rest is what it learned. */
export interface ReadyResult {
  by: string;
  payload?: string;
  [learned: string]: unknown;
}

export type OutputStream = 'stdout' | 'stderr';

/** What a watch may look at (one per waitForReady call; `signal` aborts when the wait ends). */
export interface ReadyContext {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything the stream carried since spawn (the tail if longer than maxBuffer). */
  output(stream: OutputStream): string;
  /** Called on every output chunk from now on; returns the unsubscribe function. */
  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): () => void;
  /** Parsed ready pipe (signal strategy), when the pipe exists. */
  readonly readyPipe: ReadySignalParent | undefined;
  /** The raw first line of the ready pipe (fdLine strategy), when the pipe exists. */
  readonly firstLine: FirstLine | undefined;
  /** The sd_notify socket given to the child (sdNotify strategy). */
  readonly notify: NotifyChannel | undefined;
  /** The exit status, once the child exited. */
  exited(): ExitInfo | undefined;
  readonly exit: Promise<ExitInfo>;
  /** Records what the strategy observed (timeline). */
  observe(strategy: string, text: string): void;
  /** Aborted when the wait is over (resolved, failed, timed out or aborted): stop watching. */
  readonly signal: AbortSignal;
}

export interface ReadyWatch {
  /** Resolves when the condition holds; rejects when it can never hold (ERRNO=, wrong exit code). */
  readonly result: Promise<ReadyResult>;
  /** One or more lines: what this strategy saw so far (for timeout and death reports). */
  report(): string;
}

/** A readiness strategy, made by the functions of the `Ready` namespace. Reusable across spawns. */
export interface ReadyStrategy {
  readonly kind: string;
  /** What it waits for, in words ("a TCP socket in LISTEN state on port 8080"). */
  readonly description: string;
  /** Pipes and sockets the child needs at spawn. */
  readonly needs: { readyPipe?: boolean; notifySocket?: boolean };
  /** True when the child's exit is part of the condition (Ready.exit): death is then not a failure by itself. */
  readonly watchesExit?: boolean;
  /** Member strategies (all, any, sequence). */
  readonly members?: readonly ReadyStrategy[];
  start(context: ReadyContext): ReadyWatch;
}

/** Marks a value as a strategy (checked when the `ready` option is validated). */
export const STRATEGY = Symbol.for('@plh/worker-process.ready-strategy');

export function defineStrategy(strategy: ReadyStrategy): ReadyStrategy {
  Object.defineProperty(strategy, STRATEGY, { value: true });
  return Object.freeze(strategy);
}

export function isStrategy(value: unknown): value is ReadyStrategy {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STRATEGY] === true;
}

/**
 * Runs `check` now and again on every change (`subscribe` returns the unsubscribe function) until
 * it returns true (it settled its promise) or `signal` aborts. Event-driven: no interval.
 */
export function checkOnEachChange(check: () => boolean, subscribe: (onChange: () => void) => () => void, signal: AbortSignal): void {
  if (check()) return;
  const off = subscribe(() => {
    if (check()) off();
  });
  signal.addEventListener('abort', () => off(), { once: true });
}

/** Rejection of a watch that can never become ready (the runner adds the process and its output). */
export class ReadyFailure extends Error {
  constructor(readonly strategy: string, message: string) {
    super(message);
    this.name = 'ReadyFailure';
  }
}
