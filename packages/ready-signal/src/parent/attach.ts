import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { boundedWait, type Settler } from '../arguments/bounded-wait.js';
import { normalizeWaitOptions, type WaitOptions } from '../arguments/wait-options.js';
import { READY_FD_ENV } from '../constants.js';
import { invalidArgument, ReadySignalError } from '../errors.js';
import { validateCheckpointName } from '../protocol/encode.js';
import { WireParser, type WireMessage } from '../protocol/parser.js';
import { describeChild, describeEnd, type ExitFacts } from './describe-exit.js';
import type { ReadySignalEvent } from './events.js';
import type { ReadySignalSetup } from './prepare.js';
import { StderrTail } from './stderr-tail.js';

export interface AttachReadySignalOptions {
  /** Extra text for child-gone errors (e.g. the command line or a log path). */
  describeExit?: () => string;
}

export interface ReadySignalParent {
  /** Resolves on the child's first byte; rejects with ERR_READY_CHILD_GONE / _TIMEOUT / _ABORTED. */
  waitForReady(opts?: WaitOptions): Promise<{ payload?: string }>;
  /** Resolves when the named checkpoint arrives (or already arrived). */
  waitForCheckpoint(name: string, opts?: WaitOptions): Promise<void>;
  /** Sends one release to the child: one pending or future waitForRelease() resolves. */
  release(): void;
  /** ready/checkpoint messages in arrival order, stamped with process.hrtime.bigint(). */
  readonly events: ReadonlyArray<ReadySignalEvent>;
  /** Stops listening, rejects pending waits with ERR_READY_CLOSED, ends the release pipe. */
  close(): void;
}

/** Bound of the wait for the other half of an ending (EOF vs exit, then stderr's end). */
const GRACE_MS = 200;

interface Waiter {
  kind: 'ready' | 'checkpoint';
  name: string;
  settler: Settler<unknown>;
}

class Parent implements ReadySignalParent {
  readonly events: ReadySignalEvent[] = [];
  private readyPayload: { payload?: string } | undefined;
  private readonly checkpoints = new Set<string>();
  private readonly waiters = new Set<Waiter>();
  private readonly parser: WireParser;
  private readonly tail: StderrTail;
  private readonly facts: ExitFacts = { exitCode: null, signal: null, spawnError: undefined };
  private streamEnded = false;
  private exited = false;
  private stage: 'open' | 'ending' | 'draining' | 'gone' | 'closed' = 'open';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly setup: ReadySignalSetup,
    private readonly readyStream: Readable,
    private readonly releaseStream: Writable | undefined,
    private readonly options: AttachReadySignalOptions,
  ) {
    this.parser = new WireParser(this.onMessage);
    this.tail = new StderrTail(child.stderr);
    readyStream.on('data', this.onData);
    readyStream.on('end', this.onStreamEnd);
    readyStream.on('close', this.onStreamEnd);
    readyStream.on('error', this.onStreamEnd);
    releaseStream?.on('error', noop);
    child.on('exit', this.onExit);
    child.on('error', this.onChildError);
    if (readyStream.readableEnded || readyStream.destroyed) this.onStreamEnd();
    if (child.exitCode !== null || child.signalCode !== null) this.onExit(child.exitCode, child.signalCode);
  }

  // ---- data path: no timers, resolve on the first 'data' event ----
  private readonly onData = (chunk: Buffer | string): void => {
    this.parser.feed(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };

  private readonly onMessage = (message: WireMessage): void => {
    const hrtime = process.hrtime.bigint();
    if (message.type === 'ready') {
      this.readyPayload = message.payload === undefined ? {} : { payload: message.payload };
      this.events.push(message.payload === undefined ? { type: 'ready', hrtime } : { type: 'ready', payload: message.payload, hrtime });
    } else {
      this.checkpoints.add(message.name);
      this.events.push({ type: 'checkpoint', name: message.name, hrtime });
    }
    for (const waiter of this.waiters) {
      if (waiter.kind === 'ready' && this.readyPayload !== undefined) waiter.settler.resolve(this.readyPayload);
      else if (waiter.kind === 'checkpoint' && this.checkpoints.has(waiter.name)) waiter.settler.resolve(undefined);
    }
  };

  // ---- waits ----
  waitForReady(opts?: WaitOptions): Promise<{ payload?: string }> {
    let normalized;
    try {
      normalized = normalizeWaitOptions(opts, 'waitForReady()');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.wait<{ payload?: string }>('ready', '', normalized, {
      timeout: (ms) => `${describeChild(this.child)} did not signal ready within ${ms} ms (it must write to fd ${this.setup.readyFd}, named in $${READY_FD_ENV}). Raise timeoutMs if its start-up is slow.`,
      aborted: `Waiting for ${describeChild(this.child)} to signal ready was aborted.`,
    });
  }

  waitForCheckpoint(name: string, opts?: WaitOptions): Promise<void> {
    let checked: string;
    let normalized;
    try {
      checked = validateCheckpointName(name);
      normalized = normalizeWaitOptions(opts, 'waitForCheckpoint()');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.wait<void>('checkpoint', checked, normalized, {
      timeout: (ms) => `${describeChild(this.child)} did not send checkpoint ${JSON.stringify(checked)} within ${ms} ms.`,
      aborted: `Waiting for checkpoint ${JSON.stringify(checked)} of ${describeChild(this.child)} was aborted.`,
    });
  }

  private wait<T>(kind: Waiter['kind'], name: string, normalized: ReturnType<typeof normalizeWaitOptions>, texts: { timeout: (ms: number) => string; aborted: string }): Promise<T> {
    return boundedWait<T>(normalized, texts, (settler) => {
      const waiter: Waiter = { kind, name, settler: settler as Settler<unknown> };
      const known = kind === 'ready' ? this.readyPayload !== undefined : this.checkpoints.has(name);
      if (known) settler.resolve((kind === 'ready' ? this.readyPayload : undefined) as T);
      else if (this.stage === 'closed') settler.reject(this.closedError(waiter));
      else if (this.stage === 'gone') settler.reject(this.goneError(waiter));
      else this.waiters.add(waiter);
      return () => this.waiters.delete(waiter);
    });
  }

  release(): void {
    if (this.releaseStream === undefined) {
      throw invalidArgument('release() needs the release pipe: call prepareReadySignal({ release: true }) and spawn the child with its stdio entries.');
    }
    if (this.stage === 'closed') throw new ReadySignalError('ERR_READY_CLOSED', 'release() after close().');
    if (this.releaseStream.destroyed || this.releaseStream.writableEnded) return; // child gone: nothing to release
    this.releaseStream.write(RELEASE_BYTE);
  }

  close(): void {
    if (this.stage === 'closed') return;
    this.stage = 'closed';
    this.clearTimer();
    this.detach();
    for (const waiter of this.waiters) waiter.settler.reject(this.closedError(waiter));
    this.waiters.clear();
    if (this.releaseStream && !this.releaseStream.destroyed) this.releaseStream.end();
  }

  // ---- endings: EOF on the ready fd, child exit, spawn failure ----
  private readonly onStreamEnd = (): void => {
    if (this.streamEnded) return;
    this.streamEnded = true;
    this.parser.end();
    this.progress();
  };

  private readonly onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    if (this.exited) return;
    this.exited = true;
    this.facts.exitCode = code;
    this.facts.signal = signal;
    this.progress();
  };

  private readonly onChildError = (error: Error): void => {
    if (this.child.pid !== undefined) return; // kill() failures and the like: not an ending
    this.facts.spawnError = error;
    this.exited = true;
    this.streamEnded = true;
    this.progress();
  };

  /**
   * EOF and exit arrive in either order. Once both are in (or one is in and GRACE_MS passed), wait
   * for stderr's end (bounded too) so the error carries its tail, then reject whatever is pending.
   * Data that arrived before EOF is always parsed first, so a child that signalled and exited
   * at once is ready, never gone.
   */
  private progress(): void {
    if (this.stage === 'open' && (this.streamEnded || this.exited)) {
      this.stage = 'ending';
      this.armTimer(() => this.drainStderr());
    }
    if (this.stage === 'ending' && this.streamEnded && this.exited) this.drainStderr();
  }

  private drainStderr(): void {
    if (this.stage !== 'ending') return;
    this.stage = 'draining';
    this.clearTimer();
    if (this.tail.ended || !this.exited) {
      this.finish();
      return;
    }
    const stream = this.tail.stream as Readable;
    const done = (): void => {
      stream.off('end', done);
      stream.off('close', done);
      this.finish();
    };
    stream.once('end', done);
    stream.once('close', done);
    this.armTimer(done);
  }

  private finish(): void {
    if (this.stage !== 'draining') return;
    this.stage = 'gone';
    this.clearTimer();
    for (const waiter of this.waiters) waiter.settler.reject(this.goneError(waiter));
    this.waiters.clear();
  }

  private goneError(waiter: Waiter): ReadySignalError {
    const what = waiter.kind === 'ready' ? 'signalled ready' : `sent checkpoint ${JSON.stringify(waiter.name)}`;
    const stderrTail = this.tail.text();
    let message = `${describeChild(this.child)} ${describeEnd(this.facts)} before it ${what}.`;
    if (waiter.kind === 'ready' && this.facts.exitCode === 0 && !this.facts.signal) {
      message += ` It never wrote to fd ${this.setup.readyFd} ($${READY_FD_ENV}); does it call signalTestReady()?`;
    }
    if (stderrTail) message += `\nLast stderr:\n${stderrTail.replace(/^/gm, '  ')}`;
    else if (this.tail.stream === null || this.tail.stream === undefined) message += ' (stderr was not piped, so its tail is not shown)';
    const extra = this.describeExtra();
    if (extra) message += `\n${extra}`;
    return new ReadySignalError('ERR_READY_CHILD_GONE', message, {
      exitCode: this.facts.exitCode,
      signal: this.facts.signal,
      stderrTail,
      cause: this.facts.spawnError,
    });
  }

  private closedError(waiter: Waiter): ReadySignalError {
    const what = waiter.kind === 'ready' ? 'ready' : `checkpoint ${JSON.stringify(waiter.name)}`;
    return new ReadySignalError('ERR_READY_CLOSED', `close() was called on the ready signal of ${describeChild(this.child)} while waiting for ${what}.`);
  }

  private describeExtra(): string {
    try {
      return this.options.describeExit?.() ?? '';
    } catch (error) {
      return `(describeExit threw: ${(error as Error).message})`;
    }
  }

  private armTimer(callback: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(callback, GRACE_MS);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private detach(): void {
    this.readyStream.off('data', this.onData);
    this.readyStream.off('end', this.onStreamEnd);
    this.readyStream.off('close', this.onStreamEnd);
    this.readyStream.off('error', this.onStreamEnd);
    this.readyStream.on('error', noop);
    this.child.off('exit', this.onExit);
    this.child.off('error', this.onChildError);
    this.tail.detach();
  }
}

const RELEASE_BYTE = Buffer.from('r');
const noop = (): void => {};

const isReadable = (stream: unknown): stream is Readable =>
  typeof stream === 'object' && stream !== null && typeof (stream as Readable).on === 'function' && typeof (stream as Readable).read === 'function';

/**
 * Listens to a child spawned with `setup.stdio` appended to its stdio and `setup.env` in its env.
 * Works with node:child_process and execa (its subprocess is a ChildProcess).
 */
export function attachReadySignal(child: ChildProcess, setup: ReadySignalSetup, options: AttachReadySignalOptions = {}): ReadySignalParent {
  if (typeof child !== 'object' || child === null || typeof child.on !== 'function' || !Array.isArray(child.stdio)) {
    throw invalidArgument('attachReadySignal() needs a ChildProcess (from node:child_process spawn or execa) as its first argument.');
  }
  if (typeof setup !== 'object' || setup === null || !Number.isInteger(setup.readyFd)) {
    throw invalidArgument('attachReadySignal() needs the setup returned by prepareReadySignal() as its second argument.');
  }
  if (options.describeExit !== undefined && typeof options.describeExit !== 'function') {
    throw invalidArgument('describeExit must be a function returning a string.');
  }
  const readyStream = child.stdio[setup.readyFd];
  if (!isReadable(readyStream)) {
    throw invalidArgument(`The child has no pipe at stdio[${setup.readyFd}]. Spawn it with stdio: ['pipe', 'pipe', 'pipe', ...setup.stdio] (or put setup.stdio at index ${setup.readyFd}) and env: { ...process.env, ...setup.env }.`);
  }
  let releaseStream: Writable | undefined;
  if (setup.releaseFd !== undefined) {
    const candidate = child.stdio[setup.releaseFd] as unknown;
    if (typeof candidate !== 'object' || candidate === null || typeof (candidate as Writable).write !== 'function') {
      throw invalidArgument(`The child has no pipe at stdio[${setup.releaseFd}] for the release signal. Append all of setup.stdio to the child's stdio.`);
    }
    releaseStream = candidate as Writable;
  }
  return new Parent(child, setup, readyStream, releaseStream, options);
}
