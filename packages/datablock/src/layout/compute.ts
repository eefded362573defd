import {
  BLOCK_MAGIC, CACHE_LINE, CHECKSUM_CODES, CHECKSUM_POLICY_CODES, CONTROL_STRIDE, FORMAT_VERSION, HEADER_SIZE,
  MUTEX_MAGIC, MUTEX_RECORD_SIZE, PAGE_SIZE, PARTICIPANT_STRIDE, POLICY_CODES, STATE_SIZE, alignUp,
  type ChecksumKind, type ChecksumPolicy, type Policy,
} from './constants.js';
import type { BLOCK_FIELDS, MUTEX_FIELDS, RawFields } from './fields.js';

export interface Creator {
  pid: number;
  startTime: number;
}

export interface BlockParams {
  slotCount: number;
  slotSize: number;
  policy: Policy;
  checksum: ChecksumKind;
  checksumPolicy: ChecksumPolicy;
  flexZoneSize: number;
  participantCapacity: number;
  mutexSize: number;
}

/**
 * Region order of a DataBlock segment (each region 64-aligned):
 *   header | mutex record | protocol state | participants | flex zone | slot control | slot data
 * and the segment size rounded up to a page. Sizes were validated by the caller.
 */
export function computeBlockFields(p: BlockParams, creator: Creator, createdAtMs: number): Omit<RawFields<typeof BLOCK_FIELDS>, 'magic'> {
  const mutexOffset = HEADER_SIZE;
  const stateOffset = alignUp(mutexOffset + MUTEX_RECORD_SIZE, CACHE_LINE);
  const participantsOffset = alignUp(stateOffset + STATE_SIZE, CACHE_LINE);
  const flexOffset = alignUp(participantsOffset + p.participantCapacity * PARTICIPANT_STRIDE, CACHE_LINE);
  const controlOffset = alignUp(flexOffset + p.flexZoneSize, CACHE_LINE);
  const slotStride = alignUp(p.slotSize, CACHE_LINE);
  const dataOffset = alignUp(controlOffset + p.slotCount * CONTROL_STRIDE, CACHE_LINE);
  const dataSize = p.slotCount * slotStride;
  const segmentSize = alignUp(dataOffset + dataSize, PAGE_SIZE);
  return {
    version: FORMAT_VERSION,
    headerSize: HEADER_SIZE,
    flags: 0,
    segmentSize,
    creatorPid: creator.pid,
    reserved0: 0,
    creatorStartTime: creator.startTime,
    createdAtMs,
    slotCount: p.slotCount,
    slotSize: p.slotSize,
    slotStride,
    policy: POLICY_CODES[p.policy],
    checksum: CHECKSUM_CODES[p.checksum],
    checksumPolicy: CHECKSUM_POLICY_CODES[p.checksumPolicy],
    mutexSize: p.mutexSize,
    mutexOffset,
    stateOffset,
    stateSize: STATE_SIZE,
    participantsOffset,
    participantCapacity: p.participantCapacity,
    participantStride: PARTICIPANT_STRIDE,
    flexOffset,
    flexSize: p.flexZoneSize,
    controlOffset,
    controlStride: CONTROL_STRIDE,
    reserved1: 0,
    dataOffset,
    dataSize,
  };
}

/** Standalone mutex segment: header | mutex record | participants, rounded up to a page. */
export function computeMutexFields(participantCapacity: number, mutexSize: number, creator: Creator, createdAtMs: number): Omit<RawFields<typeof MUTEX_FIELDS>, 'magic'> {
  const mutexOffset = HEADER_SIZE;
  const participantsOffset = alignUp(mutexOffset + MUTEX_RECORD_SIZE, CACHE_LINE);
  const segmentSize = alignUp(participantsOffset + participantCapacity * PARTICIPANT_STRIDE, PAGE_SIZE);
  return {
    version: FORMAT_VERSION,
    headerSize: HEADER_SIZE,
    flags: 0,
    segmentSize,
    creatorPid: creator.pid,
    reserved0: 0,
    creatorStartTime: creator.startTime,
    createdAtMs,
    mutexSize,
    participantCapacity,
    mutexOffset,
    participantsOffset,
    participantStride: PARTICIPANT_STRIDE,
  };
}

export { BLOCK_MAGIC, MUTEX_MAGIC };
