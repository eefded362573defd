// Worker sides of the DataBlockMutex scenarios. Each process appends what it does to a shared
// log file while it holds the mutex, so the parent can check the order the mutex imposed.
import { appendFileSync } from 'node:fs';
import { DataBlockError, DataBlockMutex } from '@plh/datablock';
import { signalCheckpoint, signalTestReady, waitForRelease } from '@plh/ready-signal';
import { exitAbruptly } from '@plh/worker-process/worker';

const WAIT_MS = 30_000;

function usage(name: string, args: string): never {
  throw new Error(`usage: ${name} ${args}`);
}

/** Creates the mutex, locks it, signals ready, holds it until released, logs, unlocks. */
export async function createAndHold([name, logPath]: string[]): Promise<void> {
  if (!name || !logPath) usage('mutex.createAndHold', '<name> <logPath>');
  const mutex = DataBlockMutex.create(name);
  try {
    const { recovered } = mutex.lock({ timeoutMs: WAIT_MS });
    if (recovered) throw new Error('a fresh mutex reported a recovered owner');
    appendFileSync(logPath, 'holder:locked\n');
    signalTestReady('locked', { keepOpen: true });
    await waitForRelease({ timeoutMs: WAIT_MS });
    appendFileSync(logPath, 'holder:unlocking\n');
    mutex.unlock();
    signalCheckpoint('unlocked', { last: true });
  } finally {
    mutex.close();
  }
}

/**
 * Attaches, proves the mutex is held (a try fails), reports a checkpoint just before it blocks
 * in lock, then logs once it owns the mutex.
 */
export async function attachAndLock([name, logPath, mode]: string[]): Promise<void> {
  if (!name || !logPath) usage('mutex.attachAndLock', '<name> <logPath> [sync|async]');
  const mutex = DataBlockMutex.attach(name, { timeoutMs: WAIT_MS });
  if (mutex.tryLock() !== null) throw new Error('tryLock succeeded although the holder owns the mutex');
  signalTestReady('attached', { keepOpen: true });
  const finish = () => {
    appendFileSync(logPath, 'attacher:acquired\n');
    mutex.unlock();
    mutex.close();
  };
  if (mode === 'async') {
    // The event loop stays free while lockAsync waits, so the checkpoint is sent while waiting.
    const pending = mutex.lockAsync({ timeoutMs: Infinity });
    signalCheckpoint('waiting-in-lock', { last: true });
    await pending;
    finish();
    return;
  }
  signalCheckpoint('about-to-lock', { last: true });
  mutex.lock({ timeoutMs: Infinity });
  finish();
}

/** Creates the mutex, locks it, signals ready and dies at once without unlocking. */
export function lockAndDie([name]: string[]): void {
  if (!name) usage('mutex.lockAndDie', '<name>');
  const mutex = DataBlockMutex.create(name);
  mutex.lock({ timeoutMs: WAIT_MS });
  signalTestReady('locked');
  exitAbruptly(0);
}

/** Attaches to a mutex whose owner died; reports what lock returned, twice. */
export function recoverLock([name]: string[]): void {
  if (!name) usage('mutex.recoverLock', '<name>');
  const mutex = DataBlockMutex.attach(name, { timeoutMs: WAIT_MS });
  const first = mutex.lock({ timeoutMs: WAIT_MS });
  mutex.unlock();
  const second = mutex.lock({ timeoutMs: WAIT_MS });
  mutex.unlock();
  mutex.close();
  signalTestReady(JSON.stringify({ first: first.recovered, second: second.recovered }));
}

/** Attaches to a name nobody created; reports the error code. */
export function attachMissing([name]: string[]): void {
  if (!name) usage('mutex.attachMissing', '<name>');
  try {
    DataBlockMutex.attach(name, { timeoutMs: 1_000 }).close();
    signalTestReady('attached');
  } catch (err) {
    signalTestReady(err instanceof DataBlockError ? err.code : `untyped: ${String(err)}`);
  }
}

/**
 * Against a held mutex: timeoutMs 0 returns at once, a positive timeout waits about that long
 * and fails with ERR_DATABLOCK_TIMEOUT; then, after the parent releases the holder, Infinity
 * acquires.
 */
export function timeoutConvention([name]: string[]): void {
  if (!name) usage('mutex.timeoutConvention', '<name>');
  const mutex = DataBlockMutex.attach(name, { timeoutMs: WAIT_MS });
  const attempt = (timeoutMs: number) => {
    const started = performance.now();
    try {
      mutex.lock({ timeoutMs });
      return { outcome: 'acquired', ms: performance.now() - started };
    } catch (err) {
      const code = err instanceof DataBlockError ? err.code : String(err);
      return { outcome: code, ms: performance.now() - started };
    }
  };
  const zero = attempt(0);
  const bounded = attempt(100);
  signalTestReady(JSON.stringify({ zero, bounded }), { keepOpen: true });
  signalCheckpoint('waiting-infinite');
  const infinite = attempt(Infinity);
  mutex.unlock();
  mutex.close();
  signalCheckpoint(`infinite:${infinite.outcome}`, { last: true });
}
