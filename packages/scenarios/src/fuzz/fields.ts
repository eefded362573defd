// The header fields of LAYOUT.md (format version 2), as the fuzz sees them: where to aim.
export interface Field {
  name: string;
  offset: number;
  size: 4 | 8;
}

const COMMON: Field[] = [
  { name: 'magic', offset: 0, size: 4 },
  { name: 'version', offset: 4, size: 4 },
  { name: 'headerSize', offset: 8, size: 4 },
  { name: 'flags', offset: 12, size: 4 },
  { name: 'segmentSize', offset: 16, size: 8 },
  { name: 'creatorPid', offset: 24, size: 4 },
  { name: 'reserved0', offset: 28, size: 4 },
  { name: 'creatorStartTime', offset: 32, size: 8 },
  { name: 'createdAtMs', offset: 40, size: 8 },
];

export const BLOCK_FIELDS: Field[] = [
  ...COMMON,
  { name: 'slotCount', offset: 48, size: 8 },
  { name: 'slotSize', offset: 56, size: 8 },
  { name: 'slotStride', offset: 64, size: 8 },
  { name: 'policy', offset: 72, size: 4 },
  { name: 'checksum', offset: 76, size: 4 },
  { name: 'checksumPolicy', offset: 80, size: 4 },
  { name: 'mutexSize', offset: 84, size: 4 },
  { name: 'mutexOffset', offset: 88, size: 8 },
  { name: 'stateOffset', offset: 96, size: 8 },
  { name: 'stateSize', offset: 104, size: 8 },
  { name: 'participantsOffset', offset: 112, size: 8 },
  { name: 'participantCapacity', offset: 120, size: 4 },
  { name: 'participantStride', offset: 124, size: 4 },
  { name: 'flexOffset', offset: 128, size: 8 },
  { name: 'flexSize', offset: 136, size: 8 },
  { name: 'controlOffset', offset: 144, size: 8 },
  { name: 'controlStride', offset: 152, size: 4 },
  { name: 'reserved1', offset: 156, size: 4 },
  { name: 'dataOffset', offset: 160, size: 8 },
  { name: 'dataSize', offset: 168, size: 8 },
];

export const MUTEX_FIELDS: Field[] = [
  ...COMMON,
  { name: 'mutexSize', offset: 48, size: 4 },
  { name: 'participantCapacity', offset: 52, size: 4 },
  { name: 'mutexOffset', offset: 56, size: 8 },
  { name: 'participantsOffset', offset: 64, size: 8 },
  { name: 'participantStride', offset: 72, size: 4 },
];

export const HEADER_SIZE = 256;
export const BLOCK_MAGIC = 0x42484c50;
export const MUTEX_MAGIC = 0x4d484c50;
