// Header validation: every field of a DataBlock or DataBlockMutex header is checked against the
// mapped size before any offset is used; a corrupt or hostile header is a typed error.
import { DataBlockError, type ObjectKind } from '../errors.js';
import {
  BLOCK_MAGIC, CACHE_LINE, CHECKSUM_CODES, CHECKSUM_POLICY_CODES, CONTROL_STRIDE, FORMAT_VERSION, HEADER_SIZE,
  MAX_FLEX_ZONE_SIZE, MAX_PARTICIPANTS, MAX_SLOT_COUNT, MAX_SLOT_SIZE, MUTEX_MAGIC, MUTEX_MAX_NATIVE_SIZE,
  MUTEX_RECORD_SIZE, PARTICIPANT_STRIDE, POLICY_CODES, STATE_SIZE, alignUp, enumName,
} from './constants.js';
import { BLOCK_FIELDS, MUTEX_FIELDS, readFields } from './fields.js';
import type { BlockLayout, MutexLayout } from './layouts.js';

export type { BlockLayout, MutexLayout } from './layouts.js';

interface Ctx {
  kind: ObjectKind;
  name: string;
}

function invalid(ctx: Ctx, why: string): DataBlockError {
  return new DataBlockError(
    'ERR_DATABLOCK_LAYOUT_INVALID',
    `${ctx.kind} '${ctx.name}' has a corrupt or foreign header (${why}): do not use it; remove it with ${ctx.kind}.unlink('${ctx.name}') and create it again`,
    { name: ctx.name, kind: ctx.kind },
  );
}

/** Result of looking at the first word: still being built, ours, or something else. */
export type MagicState = 'empty' | 'ok' | 'other-kind' | 'bad';

export function classifyMagic(magic: number, kind: ObjectKind): MagicState {
  if (magic === 0) return 'empty';
  const mine = kind === 'DataBlock' ? BLOCK_MAGIC : MUTEX_MAGIC;
  const other = kind === 'DataBlock' ? MUTEX_MAGIC : BLOCK_MAGIC;
  if (magic >>> 0 === mine) return 'ok';
  if (magic >>> 0 === other) return 'other-kind';
  return 'bad';
}

/** Throws the right error for a magic that is not ours (the caller waits on 'empty'). */
export function checkMagic(magic: number, ctx: Ctx): void {
  const state = classifyMagic(magic, ctx.kind);
  if (state === 'ok') return;
  if (state === 'other-kind') {
    const other = ctx.kind === 'DataBlock' ? 'DataBlockMutex' : 'DataBlock';
    throw new DataBlockError(
      'ERR_DATABLOCK_WRONG_KIND',
      `'${ctx.name}' is a ${other}, not a ${ctx.kind}: use ${other}.attach('${ctx.name}')`,
      { name: ctx.name, kind: ctx.kind },
    );
  }
  throw new DataBlockError(
    'ERR_DATABLOCK_BAD_MAGIC',
    `${ctx.kind} '${ctx.name}' is not a plh segment (magic 0x${(magic >>> 0).toString(16)}): another program owns this name; pick another name or remove it if it is stale`,
    { name: ctx.name, kind: ctx.kind },
  );
}

interface Region {
  name: string;
  offset: number;
  size: number;
}

function isSafe(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Checks the common prefix: version, header size, flags, segment size against the mapping. */
function checkCommon(raw: { version: number; headerSize: number; flags: number; segmentSize: number; reserved0: number }, mappedSize: number, ctx: Ctx): void {
  if (raw.version !== FORMAT_VERSION) {
    throw new DataBlockError(
      'ERR_DATABLOCK_VERSION_MISMATCH',
      `${ctx.kind} '${ctx.name}' has format version ${raw.version}, this @plh/datablock understands version ${FORMAT_VERSION}: use the same @plh/datablock version in every process, or recreate the segment`,
      { name: ctx.name, kind: ctx.kind },
    );
  }
  if (raw.headerSize !== HEADER_SIZE) throw invalid(ctx, `headerSize ${raw.headerSize}, expected ${HEADER_SIZE}`);
  if (raw.flags !== 0 || raw.reserved0 !== 0) throw invalid(ctx, `unknown flags 0x${raw.flags.toString(16)}`);
  if (!isSafe(raw.segmentSize) || raw.segmentSize < HEADER_SIZE) throw invalid(ctx, `segmentSize ${raw.segmentSize}`);
  if (raw.segmentSize > mappedSize) {
    throw new DataBlockError(
      'ERR_DATABLOCK_TOO_SMALL',
      `${ctx.kind} '${ctx.name}' is ${mappedSize} bytes but its header claims ${raw.segmentSize}: it was truncated or is corrupt; remove it with ${ctx.kind}.unlink('${ctx.name}') and create it again`,
      { name: ctx.name, kind: ctx.kind },
    );
  }
}

/** Every region: known size, inside [headerSize, segmentSize), 64-aligned, no two overlapping. */
function checkRegions(regions: Region[], segmentSize: number, ctx: Ctx): void {
  for (const r of regions) {
    if (!isSafe(r.offset) || !isSafe(r.size)) throw invalid(ctx, `${r.name} offset/size out of range`);
    if (r.offset % CACHE_LINE !== 0) throw invalid(ctx, `${r.name} offset ${r.offset} is not ${CACHE_LINE}-aligned`);
    if (r.offset < HEADER_SIZE) throw invalid(ctx, `${r.name} offset ${r.offset} overlaps the header`);
    if (r.offset + r.size > segmentSize) {
      throw invalid(ctx, `${r.name} [${r.offset}, ${r.offset + r.size}) ends beyond the segment (${segmentSize} bytes)`);
    }
  }
  const sorted = regions.filter((r) => r.size > 0).sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.offset + prev.size > cur.offset) throw invalid(ctx, `${prev.name} overlaps ${cur.name}`);
  }
}

function checkMutexSize(mutexSize: number, nativeMutexSize: number, ctx: Ctx): void {
  if (mutexSize === 0 || mutexSize > MUTEX_MAX_NATIVE_SIZE) throw invalid(ctx, `mutexSize ${mutexSize}`);
  if (mutexSize !== nativeMutexSize) {
    throw invalid(ctx, `it was made by a process whose pthread_mutex_t is ${mutexSize} bytes, ours is ${nativeMutexSize}`);
  }
}

function checkParticipants(capacity: number, stride: number, ctx: Ctx): void {
  if (capacity < 1 || capacity > MAX_PARTICIPANTS) throw invalid(ctx, `participantCapacity ${capacity}`);
  if (stride !== PARTICIPANT_STRIDE) throw invalid(ctx, `participantStride ${stride}`);
}

/**
 * Validates a DataBlock header read from `view` (which covers at least HEADER_SIZE bytes) against
 * the size of the mapping, BEFORE anything touches an offset. The magic must have been checked.
 */
export function validateBlockHeader(view: DataView, mappedSize: number, nativeMutexSize: number, ctx: Ctx): BlockLayout {
  if (mappedSize < HEADER_SIZE || view.byteLength < HEADER_SIZE) {
    throw new DataBlockError('ERR_DATABLOCK_TOO_SMALL', `${ctx.kind} '${ctx.name}' is ${mappedSize} bytes, smaller than its ${HEADER_SIZE}-byte header: it is truncated or not a DataBlock; remove it and create it again`, { name: ctx.name, kind: ctx.kind });
  }
  const raw = readFields(view, BLOCK_FIELDS);
  checkMagic(raw.magic, ctx);
  checkCommon(raw, mappedSize, ctx);
  for (let off = 176; off < HEADER_SIZE; off += 4) {
    if (view.getUint32(off, true) !== 0) throw invalid(ctx, `reserved header byte ${off} is not zero`);
  }
  if (raw.reserved1 !== 0) throw invalid(ctx, 'reserved1 is not zero');
  if (!isSafe(raw.slotCount) || raw.slotCount < 1 || raw.slotCount > MAX_SLOT_COUNT) throw invalid(ctx, `slotCount ${raw.slotCount}`);
  if (!isSafe(raw.slotSize) || raw.slotSize < 1 || raw.slotSize > MAX_SLOT_SIZE) throw invalid(ctx, `slotSize ${raw.slotSize}`);
  if (!isSafe(raw.slotStride) || raw.slotStride !== alignUp(raw.slotSize, CACHE_LINE)) throw invalid(ctx, `slotStride ${raw.slotStride} for slotSize ${raw.slotSize}`);
  // slotCount * slotStride without overflow: compare by division before multiplying.
  if (raw.slotCount > Math.floor(Number.MAX_SAFE_INTEGER / raw.slotStride)) {
    throw invalid(ctx, `slotCount ${raw.slotCount} x slotStride ${raw.slotStride} exceeds 2^53`);
  }
  if (raw.dataSize !== raw.slotCount * raw.slotStride) throw invalid(ctx, `dataSize ${raw.dataSize} != slotCount x slotStride`);
  if (raw.slotCount > Math.floor(Number.MAX_SAFE_INTEGER / CONTROL_STRIDE)) throw invalid(ctx, 'slot control array exceeds 2^53');
  const policy = enumName(POLICY_CODES, raw.policy);
  if (!policy) throw invalid(ctx, `unknown policy code ${raw.policy}`);
  const checksum = enumName(CHECKSUM_CODES, raw.checksum);
  if (!checksum) throw invalid(ctx, `unknown checksum code ${raw.checksum}`);
  const checksumPolicy = enumName(CHECKSUM_POLICY_CODES, raw.checksumPolicy);
  if (!checksumPolicy) throw invalid(ctx, `unknown checksumPolicy code ${raw.checksumPolicy}`);
  if (checksum === 'none' && checksumPolicy !== 'none') throw invalid(ctx, `checksumPolicy ${checksumPolicy} without a checksum`);
  checkMutexSize(raw.mutexSize, nativeMutexSize, ctx);
  if (raw.stateSize !== STATE_SIZE) throw invalid(ctx, `stateSize ${raw.stateSize}`);
  checkParticipants(raw.participantCapacity, raw.participantStride, ctx);
  if (raw.controlStride !== CONTROL_STRIDE) throw invalid(ctx, `controlStride ${raw.controlStride}`);
  if (!isSafe(raw.flexSize) || raw.flexSize > MAX_FLEX_ZONE_SIZE) throw invalid(ctx, `flexSize ${raw.flexSize}`);
  checkRegions(
    [
      { name: 'mutex', offset: raw.mutexOffset, size: MUTEX_RECORD_SIZE },
      { name: 'state', offset: raw.stateOffset, size: raw.stateSize },
      { name: 'participants', offset: raw.participantsOffset, size: raw.participantCapacity * raw.participantStride },
      { name: 'flexZone', offset: raw.flexOffset, size: raw.flexSize },
      { name: 'slotControl', offset: raw.controlOffset, size: raw.slotCount * raw.controlStride },
      { name: 'slotData', offset: raw.dataOffset, size: raw.dataSize },
    ],
    raw.segmentSize,
    ctx,
  );
  return Object.freeze({
    version: raw.version,
    headerSize: raw.headerSize,
    segmentSize: raw.segmentSize,
    creatorPid: raw.creatorPid,
    creatorStartTime: raw.creatorStartTime,
    createdAtMs: raw.createdAtMs,
    slotCount: raw.slotCount,
    slotSize: raw.slotSize,
    slotStride: raw.slotStride,
    policy,
    checksum,
    checksumPolicy,
    mutexSize: raw.mutexSize,
    mutexOffset: raw.mutexOffset,
    stateOffset: raw.stateOffset,
    stateSize: raw.stateSize,
    participantsOffset: raw.participantsOffset,
    participantCapacity: raw.participantCapacity,
    participantStride: raw.participantStride,
    flexZoneOffset: raw.flexOffset,
    flexZoneSize: raw.flexSize,
    controlOffset: raw.controlOffset,
    controlStride: raw.controlStride,
    dataOffset: raw.dataOffset,
    dataSize: raw.dataSize,
  });
}

/** Same for a standalone mutex segment. */
export function validateMutexHeader(view: DataView, mappedSize: number, nativeMutexSize: number, ctx: Ctx): MutexLayout {
  if (mappedSize < HEADER_SIZE || view.byteLength < HEADER_SIZE) {
    throw new DataBlockError('ERR_DATABLOCK_TOO_SMALL', `${ctx.kind} '${ctx.name}' is ${mappedSize} bytes, smaller than its ${HEADER_SIZE}-byte header: it is truncated or not a DataBlockMutex; remove it and create it again`, { name: ctx.name, kind: ctx.kind });
  }
  const raw = readFields(view, MUTEX_FIELDS);
  checkMagic(raw.magic, ctx);
  checkCommon(raw, mappedSize, ctx);
  for (let off = 76; off < HEADER_SIZE; off += 4) {
    if (view.getUint32(off, true) !== 0) throw invalid(ctx, `reserved header byte ${off} is not zero`);
  }
  checkMutexSize(raw.mutexSize, nativeMutexSize, ctx);
  checkParticipants(raw.participantCapacity, raw.participantStride, ctx);
  checkRegions(
    [
      { name: 'mutex', offset: raw.mutexOffset, size: MUTEX_RECORD_SIZE },
      { name: 'participants', offset: raw.participantsOffset, size: raw.participantCapacity * raw.participantStride },
    ],
    raw.segmentSize,
    ctx,
  );
  return Object.freeze({
    version: raw.version,
    headerSize: raw.headerSize,
    segmentSize: raw.segmentSize,
    creatorPid: raw.creatorPid,
    creatorStartTime: raw.creatorStartTime,
    createdAtMs: raw.createdAtMs,
    mutexSize: raw.mutexSize,
    mutexOffset: raw.mutexOffset,
    participantsOffset: raw.participantsOffset,
    participantCapacity: raw.participantCapacity,
    participantStride: raw.participantStride,
  });
}
