/**
 * Header field tables (LMDB style: the format next to the code). LAYOUT.md describes each field
 * and the rule attach checks; test/layout-doc.test.ts checks that its tables list exactly these
 * fields (offset, type, name, in order), so the two cannot drift. The magic is written LAST by
 * the creator (Atomics.store, release ordering); 0 while the segment is being built.
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
