// Segments: create (O_EXCL, space reserved), open (bounded wait for the magic), map, publish the magic, unlink.
import { existsSync } from 'node:fs';
import { DataBlockError, type ObjectKind } from './errors.js';
import { HEADER_SIZE } from './layout/constants.js';
import { classifyMagic, checkMagic } from './layout/validate.js';
import { shmNameOf, shmPathOf } from './names.js';
import { native, type NativeMapping } from './native.js';
import { fromSystemError } from './system-errors.js';
import { deadlineAfter, remaining } from './timeouts.js';

/** A mapped segment plus its header view (made once; detached when the mapping closes). */
export interface MappedSegment {
  mapping: NativeMapping;
  size: number;
  header: DataView;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks this thread for `ms` (bounded backoff while a creator finishes). */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function otherKind(kind: ObjectKind): ObjectKind {
  return kind === 'DataBlock' ? 'DataBlockMutex' : 'DataBlock';
}

/** Creates (O_EXCL), reserves and maps a segment; the caller initialises it and writes the magic. */
export function createSegment(kind: ObjectKind, name: string, size: number, mode: number): MappedSegment {
  const shmName = shmNameOf(name, kind);
  let fd: number;
  try {
    fd = native.shmCreate(shmName, size, mode);
  } catch (error) {
    throw fromSystemError(error, { kind, name, op: 'create' });
  }
  let mapping: NativeMapping;
  try {
    mapping = new native.Mapping(fd, size, true);
  } catch (error) {
    try { native.shmUnlink(shmName); } catch { /* already gone */ }
    throw fromSystemError(error, { kind, name, op: 'map' });
  } finally {
    native.fdClose(fd);
  }
  return { mapping, size, header: new DataView(mapping.buffer(0, HEADER_SIZE)) };
}

function notFound(kind: ObjectKind, name: string, error: unknown): DataBlockError {
  const other = otherKind(kind);
  if (existsSync(shmPathOf(name, other))) {
    return new DataBlockError(
      'ERR_DATABLOCK_WRONG_KIND',
      `'${name}' is a ${other}, not a ${kind}: use ${other}.attach('${name}')`,
      { name, kind, cause: error },
    );
  }
  return fromSystemError(error, { kind, name, op: 'attach' });
}

function timeoutError(kind: ObjectKind, name: string, timeoutMs: number, what: string): DataBlockError {
  return new DataBlockError(
    'ERR_DATABLOCK_TIMEOUT',
    `${kind} '${name}' ${what} within ${timeoutMs} ms: its creator may have died while creating it; pass a longer timeoutMs, or remove it with ${kind}.unlink('${name}') and create it again`,
    { name, kind },
  );
}

/**
 * Opens and maps an existing segment, waiting (bounded by `timeoutMs`) until its creator has
 * sized it and published the magic. Checks the magic (kind, foreign data); the caller validates
 * every other header field before touching any offset.
 */
export function openSegment(kind: ObjectKind, name: string, options: { timeoutMs: number; writable: boolean }): MappedSegment {
  const shmName = shmNameOf(name, kind);
  const { timeoutMs, writable } = options;
  const deadline = deadlineAfter(timeoutMs);
  let fd: number;
  try {
    fd = native.shmOpen(shmName, writable);
  } catch (error) {
    if ((error as { code?: string })?.code === 'ENOENT') throw notFound(kind, name, error);
    throw fromSystemError(error, { kind, name, op: 'attach' });
  }
  let mapping: NativeMapping;
  let size: number;
  try {
    // The creator's shmCreate sizes the object right after O_EXCL: size 0 means "not yet".
    let backoff = 1;
    for (;;) {
      size = native.fdSize(fd);
      if (size > 0) break;
      const left = remaining(deadline);
      if (left <= 0) throw timeoutError(kind, name, timeoutMs, 'was never sized (still 0 bytes)');
      sleepSync(Math.min(backoff, left));
      backoff = Math.min(backoff * 2, 20);
    }
    if (size < 4) {
      throw new DataBlockError('ERR_DATABLOCK_TOO_SMALL', `${kind} '${name}' is only ${size} bytes: it is not a plh segment or was truncated; remove it with ${kind}.unlink('${name}')`, { name, kind });
    }
    try {
      mapping = new native.Mapping(fd, size, writable);
    } catch (error) {
      throw fromSystemError(error, { kind, name, op: 'map' });
    }
  } finally {
    native.fdClose(fd);
  }
  try {
    const header = new DataView(mapping.buffer(0, Math.min(size, HEADER_SIZE)));
    const word = new Int32Array(header.buffer, 0, 1);
    let backoff = 1;
    for (;;) {
      const magic = Atomics.load(word, 0);
      if (classifyMagic(magic, kind) !== 'empty') {
        checkMagic(magic, { kind, name });
        break;
      }
      const left = remaining(deadline);
      if (left <= 0) throw timeoutError(kind, name, timeoutMs, 'was not initialised (no magic)');
      if (typeof mapping.futexWait === 'function') {
        // The creator futex-wakes the magic word after publishing it; slices bound a lost wake.
        mapping.futexWait(0, 0, Math.min(left, 50));
      } else {
        sleepSync(Math.min(backoff, left));
        backoff = Math.min(backoff * 2, 20);
      }
    }
    return { mapping, size, header };
  } catch (error) {
    mapping.close();
    throw error;
  }
}

/** Publishes the magic LAST (Atomics.store: release) and wakes attachers waiting for it. */
export function publishMagic(segment: MappedSegment, magic: number): void {
  const word = new Int32Array(segment.header.buffer, 0, 1);
  Atomics.store(word, 0, magic | 0);
  if (typeof segment.mapping.futexWake === 'function') segment.mapping.futexWake(0, 0x7fffffff);
}

/** shm_unlink with typed errors. */
export function unlinkSegment(kind: ObjectKind, name: string): void {
  const shmName = shmNameOf(name, kind);
  try {
    native.shmUnlink(shmName);
  } catch (error) {
    if ((error as { code?: string })?.code === 'ENOENT') throw notFound(kind, name, error);
    throw fromSystemError(error, { kind, name, op: 'unlink' });
  }
}

/** A copy of the header with `magic` in it, to validate what we wrote before publishing it. */
export function withMagic(header: DataView, magic: number): DataView {
  const copy = new DataView(header.buffer.slice(header.byteOffset, header.byteOffset + HEADER_SIZE));
  copy.setUint32(0, magic, true);
  return copy;
}
