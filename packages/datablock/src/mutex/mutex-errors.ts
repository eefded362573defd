import { DataBlockError, closedError } from '../errors.js';
import type { MutexContext } from './mutex-types.js';

/** The typed errors of a mutex, each saying what to do. */

export function mutexLabel(ctx: MutexContext): string {
  return ctx.kind === 'DataBlock' ? `the mutex of DataBlock '${ctx.name}'` : `DataBlockMutex '${ctx.name}'`;
}

function error(ctx: MutexContext, code: ConstructorParameters<typeof DataBlockError>[0], message: string, cause?: unknown): DataBlockError {
  return new DataBlockError(code, message, { name: ctx.name, kind: ctx.kind, cause });
}

/** An errno a native mutex call threw (EINVAL on a damaged record), as a typed error. */
export function nativeFailure(ctx: MutexContext, thrown: unknown, what: string): DataBlockError {
  if (thrown instanceof DataBlockError) return thrown;
  const code = (thrown as { code?: unknown }).code;
  if (code === 'ERR_MAPPING_CLOSED') return closedError(ctx.kind, ctx.name);
  return error(
    ctx,
    code === 'EINVAL' ? 'ERR_DATABLOCK_LAYOUT_INVALID' : 'ERR_DATABLOCK_SYSTEM',
    `${what} on ${mutexLabel(ctx)} failed (${String(code ?? thrown)}): the mutex record looks damaged; unlink and create the segment again`,
    thrown,
  );
}

export const deadlockError = (ctx: MutexContext): DataBlockError => error(ctx, 'ERR_DATABLOCK_DEADLOCK',
  `${mutexLabel(ctx)} is already held by this thread: a blocking lock would wait forever; unlock it first, or use lockAsync() to queue behind the current holder`);

export const timeoutError = (ctx: MutexContext, timeoutMs: number): DataBlockError => error(ctx, 'ERR_DATABLOCK_TIMEOUT',
  `${mutexLabel(ctx)} was not acquired within ${timeoutMs} ms: another holder keeps it; pass a longer timeoutMs or Infinity, or inspect the holder with 'plh-datablock inspect ${ctx.name}'`);

export const abortedError = (ctx: MutexContext, signal: AbortSignal | undefined): DataBlockError => error(ctx, 'ERR_DATABLOCK_ABORTED',
  `Waiting for ${mutexLabel(ctx)} was aborted`, signal?.reason);

export const notRecoverableError = (ctx: MutexContext): DataBlockError => error(ctx, 'ERR_DATABLOCK_NOT_RECOVERABLE',
  `${mutexLabel(ctx)} is not recoverable: a previous owner died and the next one unlocked it without marking it consistent; the data it protects cannot be trusted. Recreate the segment (unlink and create)`);

export const notOwnerError = (ctx: MutexContext): DataBlockError => error(ctx, 'ERR_DATABLOCK_NOT_OWNER',
  `${mutexLabel(ctx)} is not held by this thread: only the thread that locked it may unlock it (lock() before unlock(), and unlock once)`);
