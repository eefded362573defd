// Error messages of the endpoints (some read the shared words to say what to do next).
import { tokenIndex } from '../participants/table.js';
import { MAX_READER_INDEX, S_PRODUCER } from './constants.js';
import type { SlotContext } from './context.js';

/** A consumer's wait ran out: nothing was committed; why nothing may come, from the producer word. */
export function consumerTimeout(ctx: SlotContext, what: string, timeoutMs: number): Error {
  return ctx.error('ERR_DATABLOCK_TIMEOUT', `${what} on DataBlock '${ctx.name}' timed out after ${timeoutMs} ms: nothing new was committed and ${producerStatus(ctx)}`);
}

function producerStatus(ctx: SlotContext): string {
  const tag = Atomics.load(ctx.state, S_PRODUCER);
  if (tag === 0) return 'no producer is attached; start one, or pass a longer timeoutMs';
  const entry = ctx.table.entryOf(tag);
  if (entry !== undefined && entry.alive && entry.role === 'producer') {
    return `the producer (pid ${entry.pid}) is alive; pass a longer timeoutMs, or see block.diagnose()`;
  }
  return `the producer (participant ${tokenIndex(tag)}${entry === undefined ? '' : `, pid ${entry.pid}`}) is dead; start a replacement producer, which resumes the stream`;
}

/** An enforced checksum did not match: the slot was skipped (released as consumed). */
export function checksumMismatch(ctx: SlotContext, slotId: number, idx: number, then: string): Error {
  return ctx.error(
    'ERR_DATABLOCK_CHECKSUM_MISMATCH',
    `slot ${slotId} (index ${idx}) of DataBlock '${ctx.name}' does not match its checksum: the payload is corrupt and was skipped (released as consumed); ${then}`,
  );
}

/** A consumer registered on an entry past the 64 bits of the reader masks. */
export function readerIndexError(ctx: SlotContext, p: number): Error {
  return ctx.error(
    'ERR_DATABLOCK_PARTICIPANTS_FULL',
    `DataBlock '${ctx.name}': a consumer needs one of the first ${MAX_READER_INDEX} participant entries (reader masks are 64 bits) and got entry ${p}; close other participants first`,
  );
}

/** A producer's wait ran out on slot `idx`: the ring is full or readers hold it. */
export function producerTimeout(ctx: SlotContext, idx: number, what: string, timeoutMs: number): Error {
  const why = ctx.layout.policy === 'latest-only' ? `readers still hold slot ${idx}` : `the ring is full (slot ${idx} is not consumed yet) or readers still hold it`;
  return ctx.error(
    'ERR_DATABLOCK_TIMEOUT',
    `${what} on DataBlock '${ctx.name}' timed out after ${timeoutMs} ms: ${why}; pass a longer timeoutMs, speed up the consumers, or see block.diagnose()`,
  );
}
