// The validated header layouts of both kinds (what validate.ts returns and the rest reads).
import type { ChecksumKind, ChecksumPolicy, Policy } from './constants.js';

/** What both kinds of segment start with (frozen; offsets are bytes from the segment start). */
interface SegmentLayout {
  readonly version: number;
  readonly headerSize: number;
  readonly segmentSize: number;
  readonly creatorPid: number;
  readonly creatorStartTime: number;
  readonly createdAtMs: number;
  readonly mutexSize: number;
  readonly mutexOffset: number;
  readonly participantsOffset: number;
  readonly participantCapacity: number;
  readonly participantStride: number;
}

/** The validated header of a DataBlock. */
export interface BlockLayout extends SegmentLayout {
  readonly slotCount: number;
  readonly slotSize: number;
  readonly slotStride: number;
  readonly policy: Policy;
  readonly checksum: ChecksumKind;
  readonly checksumPolicy: ChecksumPolicy;
  readonly stateOffset: number;
  readonly stateSize: number;
  readonly flexZoneOffset: number;
  readonly flexZoneSize: number;
  readonly controlOffset: number;
  readonly controlStride: number;
  readonly dataOffset: number;
  readonly dataSize: number;
}

/** The validated header of a standalone DataBlockMutex segment. */
export type MutexLayout = SegmentLayout;
