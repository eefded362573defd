// Options of DataBlock.create / attach: their types, their validation, and the attach-time expect check.
import { DataBlockError, invalidArgument } from '../errors.js';
import {
  CACHE_LINE, CHECKSUM_CODES, CHECKSUM_POLICY_CODES, DEFAULT_BLOCK_PARTICIPANTS, MAX_FLEX_ZONE_SIZE, MAX_SLOT_COUNT,
  MAX_SLOT_SIZE, POLICY_CODES, alignUp, type ChecksumKind, type ChecksumPolicy, type Policy,
} from '../layout/constants.js';
import type { BlockParams } from '../layout/compute.js';
import type { BlockLayout } from '../layout/validate.js';
import { validateMaxParticipants, validateMode } from '../mutex/datablock-mutex.js';
import { native } from '../native.js';

export interface DataBlockCreateOptions {
  /** Number of slots in the ring (integer >= 1). */
  slotCount: number;
  /** Payload bytes per slot (integer, 1 .. 2^31). */
  slotSize: number;
  /** Consumer policy (default 'sequential'). */
  policy?: Policy;
  /** Per-slot checksum kind (default 'none'). */
  checksum?: ChecksumKind;
  /** Default: 'enforced' with a checksum, 'none' without. */
  checksumPolicy?: ChecksumPolicy;
  /** Bytes of the shared user metadata zone (default 0). */
  flexZoneSize?: number;
  /** Permission bits (default 0o600). */
  mode?: number;
  /** Entries of the participants table (default 64). */
  maxParticipants?: number;
}

export interface DataBlockExpect {
  slotCount?: number;
  slotSize?: number;
  policy?: Policy;
  checksum?: ChecksumKind;
  flexZoneSize?: number;
}

export interface DataBlockAttachOptions {
  /** How long to wait for a creator that is still initialising (default 5000 ms; 0 = no wait). */
  timeoutMs?: number;
  /** Fields the segment must have, else ERR_DATABLOCK_LAYOUT_MISMATCH. */
  expect?: DataBlockExpect;
}

function integerIn(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${what} must be an integer from ${min} to ${max}; got ${typeof value === 'number' ? String(value) : typeof value}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, what: string, codes: Readonly<Record<T, number>>, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !Object.hasOwn(codes, value)) {
    throw invalidArgument(`${what} must be one of ${Object.keys(codes).map((k) => `'${k}'`).join(', ')}; got ${String(value)}`);
  }
  return value as T;
}

export function parseCreateOptions(options: unknown): { params: BlockParams; mode: number } {
  if (options === null || typeof options !== 'object') {
    throw invalidArgument('DataBlock.create(name, options): options { slotCount, slotSize } are required');
  }
  const o = options as Record<string, unknown>;
  const slotCount = integerIn(o.slotCount, 'slotCount', 1, MAX_SLOT_COUNT);
  const slotSize = integerIn(o.slotSize, 'slotSize', 1, MAX_SLOT_SIZE);
  const flexZoneSize = o.flexZoneSize === undefined ? 0 : integerIn(o.flexZoneSize, 'flexZoneSize', 0, MAX_FLEX_ZONE_SIZE);
  const policy = oneOf<Policy>(o.policy, 'policy', POLICY_CODES, 'sequential');
  const checksum = oneOf<ChecksumKind>(o.checksum, 'checksum', CHECKSUM_CODES, 'none');
  const checksumPolicy = oneOf<ChecksumPolicy>(o.checksumPolicy, 'checksumPolicy', CHECKSUM_POLICY_CODES, checksum === 'none' ? 'none' : 'enforced');
  if (checksum === 'none' && checksumPolicy !== 'none') {
    throw invalidArgument(`checksumPolicy '${checksumPolicy}' needs a checksum: pass checksum: 'crc32c' (or 'crc32')`);
  }
  const participantCapacity = validateMaxParticipants(o.maxParticipants, DEFAULT_BLOCK_PARTICIPANTS);
  const mode = validateMode(o.mode);
  const stride = alignUp(slotSize, CACHE_LINE);
  if (slotCount * (stride + 64) + flexZoneSize > Number.MAX_SAFE_INTEGER / 2) {
    throw invalidArgument(`slotCount ${slotCount} x slotSize ${slotSize} is too large for one segment: use fewer or smaller slots`);
  }
  return {
    params: { slotCount, slotSize, policy, checksum, checksumPolicy, flexZoneSize, participantCapacity, mutexSize: native.pthreadMutexSize },
    mode,
  };
}

export function parseAttachOptions(options: unknown): DataBlockAttachOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw invalidArgument('DataBlock.attach options must be an object');
  const o = options as DataBlockAttachOptions;
  if (o.expect !== undefined && (o.expect === null || typeof o.expect !== 'object')) throw invalidArgument('expect must be an object');
  return o;
}

/** Refuses a block whose layout differs from what the attacher expects (ERR_DATABLOCK_LAYOUT_MISMATCH). */
export function checkExpect(name: string, layout: BlockLayout, expect: DataBlockExpect | undefined): void {
  if (expect === undefined) return;
  for (const key of ['slotCount', 'slotSize', 'policy', 'checksum', 'flexZoneSize'] as const) {
    const wanted = expect[key];
    if (wanted === undefined) continue;
    const actual = layout[key];
    if (actual !== wanted) {
      throw new DataBlockError(
        'ERR_DATABLOCK_LAYOUT_MISMATCH',
        `DataBlock '${name}' has ${key} ${JSON.stringify(actual)} but ${JSON.stringify(wanted)} was expected: make creator and attacher agree, or recreate the block`,
        { name, kind: 'DataBlock' },
      );
    }
  }
}
