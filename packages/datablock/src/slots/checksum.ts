import type { ChecksumKind } from '../layout/constants.js';
import { native } from '../native.js';

/**
 * CRC-32 (IEEE, reflected poly 0xEDB88320) and CRC-32C (Castagnoli, 0x82F63B78) in TypeScript,
 * slicing-by-8: eight 256-entry tables, 8 bytes per step. Check values: crc32('123456789') =
 * 0xCBF43926, crc32c('123456789') = 0xE3069283.
 */
function makeTables(poly: number): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

let crc32Tables: Int32Array | undefined;
let crc32cTables: Int32Array | undefined;

function run(t: Int32Array, d: Uint8Array, start: number, end: number): number {
  let c = -1;
  let i = start;
  // Aligned fast path: two 32-bit loads per 8 bytes (little-endian, as the CRC wants).
  if (((d.byteOffset + i) & 3) === 0 && end - i >= 64) {
    const words = (end - i) >>> 3;
    const w = new Int32Array(d.buffer, d.byteOffset + i, words * 2);
    for (let k = 0; k < words * 2; k += 2) {
      const a = c ^ w[k]!;
      const b = w[k + 1]!;
      c =
        t[1792 + (a & 0xff)]! ^
        t[1536 + ((a >>> 8) & 0xff)]! ^
        t[1280 + ((a >>> 16) & 0xff)]! ^
        t[1024 + (a >>> 24)]! ^
        t[768 + (b & 0xff)]! ^
        t[512 + ((b >>> 8) & 0xff)]! ^
        t[256 + ((b >>> 16) & 0xff)]! ^
        t[b >>> 24]!;
    }
    i += words * 8;
  }
  while (end - i >= 8) {
    const a = c ^ (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^
      t[1536 + ((a >>> 8) & 0xff)]! ^
      t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^
      t[768 + d[i + 4]!]! ^
      t[512 + d[i + 5]!]! ^
      t[256 + d[i + 6]!]! ^
      t[d[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = t[(c ^ d[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 (IEEE 802.3, zlib) of `data`. */
export function crc32(data: Uint8Array): number {
  crc32Tables ??= makeTables(0xedb88320);
  return run(crc32Tables, data, 0, data.length);
}

/** CRC-32C in TypeScript (slicing-by-8); the reference the native version is checked against. */
export function crc32cPortable(data: Uint8Array): number {
  crc32cTables ??= makeTables(0x82f63b78);
  return run(crc32cTables, data, 0, data.length);
}

/** Below this many bytes the N-API call costs more than the TypeScript loop. */
export const NATIVE_CRC_MIN_BYTES = 64;
const nativeCrc32c = typeof native.crc32c === 'function' ? native.crc32c : undefined;

/**
 * CRC-32C (Castagnoli, iSCSI) of `data`: the addon's SSE4.2 version (about 5-8 GB/s here, against
 * about 1 GB/s for the TypeScript loop) for views of 64 bytes and more.
 */
export function crc32c(data: Uint8Array): number {
  if (nativeCrc32c !== undefined && data.length >= NATIVE_CRC_MIN_BYTES) return nativeCrc32c(data) >>> 0;
  return crc32cPortable(data);
}

/** The checksum function of a block's kind, or null for 'none'. */
export function checksumFunction(kind: ChecksumKind): ((data: Uint8Array) => number) | null {
  if (kind === 'crc32') return crc32;
  if (kind === 'crc32c') return crc32c;
  return null;
}
