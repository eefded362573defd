/**
 * Header field tables (LMDB style: the on-disk format, described next to the code).
 *
 * Common prefix of both kinds (bytes 0..48):
 *   0   u32 magic            BLOCK_MAGIC 'PLHB' or MUTEX_MAGIC 'PLHM'. Written LAST by the creator
 *                            with Atomics.store (release); 0 while the segment is being built.
 *   4   u32 version          FORMAT_VERSION (3).
 *   8   u32 headerSize       HEADER_SIZE (256).
 *   12  u32 flags            0 (reserved; any other value is rejected).
 *   16  u64 segmentSize      total bytes of the segment (page multiple); must be <= fstat size.
 *   24  u32 creatorPid       pid of the creating process.
 *   28  u32 reserved0        0.
 *   32  u64 creatorStartTime start time of the creator (field 22 of /proc/<pid>/stat, clock ticks).
 *   40  u64 createdAtMs      Date.now() at create (informational).
 *
 * DataBlock (BLOCK_MAGIC), bytes 48..176:
 *   48  u64 slotCount        >= 1.
 *   56  u64 slotSize         payload bytes per slot, >= 1.
 *   64  u64 slotStride       bytes between slot payloads: slotSize rounded up to 64.
 *   72  u32 policy           1 latest-only, 2 sequential, 3 sequential-sync.
 *   76  u32 checksum         1 none, 2 crc32, 3 crc32c.
 *   80  u32 checksumPolicy   1 none, 2 manual, 3 enforced.
 *   84  u32 mutexSize        sizeof(pthread_mutex_t) of the creator (must equal ours).
 *   88  u64 mutexOffset      the block's mutex record (MUTEX_RECORD_SIZE bytes).
 *   96  u64 stateOffset      block-wide protocol state (STATE_SIZE bytes, slot protocol's).
 *   104 u64 stateSize        STATE_SIZE.
 *   112 u64 participantsOffset  participants table.
 *   120 u32 participantCapacity entries in the table (1..4096).
 *   124 u32 participantStride   PARTICIPANT_STRIDE (64).
 *   128 u64 flexOffset       flex zone (user metadata).
 *   136 u64 flexSize         flex zone bytes (may be 0).
 *   144 u64 controlOffset    slot control array: slotCount entries of controlStride bytes.
 *   152 u32 controlStride    CONTROL_STRIDE (64).
 *   156 u32 reserved1        0.
 *   160 u64 dataOffset       slot data region.
 *   168 u64 dataSize         slotCount * slotStride.
 *   176..256 reserved, 0.
 *
 * DataBlockMutex (MUTEX_MAGIC), bytes 48..80:
 *   48  u32 mutexSize
 *   52  u32 participantCapacity
 *   56  u64 mutexOffset
 *   64  u64 participantsOffset
 *   72  u32 participantStride
 *   76..256 reserved, 0.
 */
export type FieldType = 'u32' | 'u64';
export interface FieldSpec {
  readonly offset: number;
  readonly type: FieldType;
}

export const COMMON_FIELDS = {
  magic: { offset: 0, type: 'u32' },
  version: { offset: 4, type: 'u32' },
  headerSize: { offset: 8, type: 'u32' },
  flags: { offset: 12, type: 'u32' },
  segmentSize: { offset: 16, type: 'u64' },
  creatorPid: { offset: 24, type: 'u32' },
  reserved0: { offset: 28, type: 'u32' },
  creatorStartTime: { offset: 32, type: 'u64' },
  createdAtMs: { offset: 40, type: 'u64' },
} as const satisfies Record<string, FieldSpec>;

export const BLOCK_FIELDS = {
  ...COMMON_FIELDS,
  slotCount: { offset: 48, type: 'u64' },
  slotSize: { offset: 56, type: 'u64' },
  slotStride: { offset: 64, type: 'u64' },
  policy: { offset: 72, type: 'u32' },
  checksum: { offset: 76, type: 'u32' },
  checksumPolicy: { offset: 80, type: 'u32' },
  mutexSize: { offset: 84, type: 'u32' },
  mutexOffset: { offset: 88, type: 'u64' },
  stateOffset: { offset: 96, type: 'u64' },
  stateSize: { offset: 104, type: 'u64' },
  participantsOffset: { offset: 112, type: 'u64' },
  participantCapacity: { offset: 120, type: 'u32' },
  participantStride: { offset: 124, type: 'u32' },
  flexOffset: { offset: 128, type: 'u64' },
  flexSize: { offset: 136, type: 'u64' },
  controlOffset: { offset: 144, type: 'u64' },
  controlStride: { offset: 152, type: 'u32' },
  reserved1: { offset: 156, type: 'u32' },
  dataOffset: { offset: 160, type: 'u64' },
  dataSize: { offset: 168, type: 'u64' },
} as const satisfies Record<string, FieldSpec>;

export const MUTEX_FIELDS = {
  ...COMMON_FIELDS,
  mutexSize: { offset: 48, type: 'u32' },
  participantCapacity: { offset: 52, type: 'u32' },
  mutexOffset: { offset: 56, type: 'u64' },
  participantsOffset: { offset: 64, type: 'u64' },
  participantStride: { offset: 72, type: 'u32' },
} as const satisfies Record<string, FieldSpec>;

export type RawFields<T extends Record<string, FieldSpec>> = { [K in keyof T]: number };

/** Reads every field; u64 values above 2^53 come back as NaN (rejected by validation). */
export function readFields<T extends Record<string, FieldSpec>>(view: DataView, table: T): RawFields<T> {
  const out = {} as Record<string, number>;
  for (const [key, spec] of Object.entries(table)) {
    if (spec.type === 'u32') {
      out[key] = view.getUint32(spec.offset, true);
    } else {
      const big = view.getBigUint64(spec.offset, true);
      out[key] = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(big);
    }
  }
  return out as RawFields<T>;
}

/** Writes every field except `magic` (the creator publishes the magic last, atomically). */
export function writeFields<T extends Record<string, FieldSpec>>(view: DataView, table: T, values: Omit<RawFields<T>, 'magic'>): void {
  for (const [key, spec] of Object.entries(table)) {
    if (key === 'magic') continue;
    const value = (values as Record<string, number>)[key] ?? 0;
    if (spec.type === 'u32') view.setUint32(spec.offset, value, true);
    else view.setBigUint64(spec.offset, BigInt(value), true);
  }
}
