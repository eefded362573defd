/**
 * Binary format constants shared by DataBlock and DataBlockMutex segments.
 * The full field-by-field description is in LAYOUT.md and next to each field table.
 * Everything is little-endian (the only byte order the addon supports: x86-64, arm64).
 */

/** 'PLHB' read as a little-endian u32 at offset 0 of a DataBlock segment. */
export const BLOCK_MAGIC = 0x42484c50;
/** 'PLHM' read as a little-endian u32 at offset 0 of a standalone DataBlockMutex segment. */
export const MUTEX_MAGIC = 0x4d484c50;
/** Format version of both kinds; an attacher refuses any other value. */
export const FORMAT_VERSION = 3;

/** Bytes of the fixed header at offset 0 (fields + zero reserve). */
export const HEADER_SIZE = 256;
/** Cache line: slot control entries, participant entries and regions are aligned to it. */
export const CACHE_LINE = 64;
/** Segment sizes are rounded up to whole pages. */
export const PAGE_SIZE = 4096;

/**
 * Mutex record (128 bytes, 64-aligned):
 *   +0   pthread_mutex_t (robust, process-shared; glibc x86-64: 40 bytes). Its first u32 is the
 *        robust futex word: owner TID | FUTEX_WAITERS | FUTEX_OWNER_DIED.
 *   +64  u32 unlockGeneration: incremented by every unlock, then futex-woken; async waiters sleep on it.
 *   +68  u32 asyncWaiters: number of lockAsync callers sleeping on unlockGeneration (skip the wake
 *        syscall when 0).
 *   +72..+128 reserved, zero.
 */
export const MUTEX_RECORD_SIZE = 128;
export const MUTEX_GENERATION_OFFSET = 64;
export const MUTEX_WAITERS_OFFSET = 68;
/** Largest pthread_mutex_t that fits the record. */
export const MUTEX_MAX_NATIVE_SIZE = 64;

/** Robust futex word bits (Linux kernel ABI, include/uapi/linux/futex.h). */
export const FUTEX_WAITERS = 0x80000000;
export const FUTEX_OWNER_DIED = 0x40000000;
export const FUTEX_TID_MASK = 0x3fffffff;

/** Block-wide protocol state area (owned by the slot protocol; zero at create). */
export const STATE_SIZE = 256;
/** One slot control entry per slot, one cache line each (owned by the slot protocol). */
export const CONTROL_STRIDE = 64;
/** One participant entry, one cache line each. */
export const PARTICIPANT_STRIDE = 64;

export const DEFAULT_BLOCK_PARTICIPANTS = 64;
export const DEFAULT_MUTEX_PARTICIPANTS = 16;
export const MAX_PARTICIPANTS = 4096;

/** Per-slot views are JavaScript ArrayBuffers, so one slot must stay well below 4 GiB. */
export const MAX_SLOT_SIZE = 2 ** 31;
export const MAX_SLOT_COUNT = 2 ** 32 - 1;
export const MAX_FLEX_ZONE_SIZE = 2 ** 31;

export type Policy = 'latest-only' | 'sequential' | 'sequential-sync';
export type ChecksumKind = 'none' | 'crc32' | 'crc32c';
export type ChecksumPolicy = 'none' | 'manual' | 'enforced';

/** Enum codes on disk. 0 is never valid, so a zeroed header is rejected. */
export const POLICY_CODES: Readonly<Record<Policy, number>> = Object.freeze({
  'latest-only': 1,
  sequential: 2,
  'sequential-sync': 3,
});
export const CHECKSUM_CODES: Readonly<Record<ChecksumKind, number>> = Object.freeze({
  none: 1,
  crc32: 2,
  crc32c: 3,
});
export const CHECKSUM_POLICY_CODES: Readonly<Record<ChecksumPolicy, number>> = Object.freeze({
  none: 1,
  manual: 2,
  enforced: 3,
});

export function enumName<T extends string>(codes: Readonly<Record<T, number>>, code: number): T | undefined {
  for (const [name, value] of Object.entries(codes) as Array<[T, number]>) {
    if (value === code) return name;
  }
  return undefined;
}

export function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}
