import { describe, expect, it } from 'vitest';
import { BLOCK_MAGIC, HEADER_SIZE, MUTEX_MAGIC } from '../src/layout/constants.js';
import { computeBlockFields, computeMutexFields, type BlockParams } from '../src/layout/compute.js';
import { BLOCK_FIELDS, MUTEX_FIELDS, writeFields } from '../src/layout/fields.js';
import { validateBlockHeader, validateMutexHeader } from '../src/layout/validate.js';

const MUTEX_SIZE = 40;
const ctx = { kind: 'DataBlock' as const, name: 'unit' };
const params: BlockParams = { slotCount: 8, slotSize: 100, policy: 'latest-only', checksum: 'crc32c', checksumPolicy: 'enforced', flexZoneSize: 50, participantCapacity: 4, mutexSize: MUTEX_SIZE };

function header(p: BlockParams = params): { view: DataView; size: number } {
  const fields = computeBlockFields(p, { pid: 1, startTime: 2 }, 3);
  const view = new DataView(new ArrayBuffer(HEADER_SIZE));
  writeFields(view, BLOCK_FIELDS, fields);
  view.setUint32(0, BLOCK_MAGIC, true);
  return { view, size: fields.segmentSize };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('block layout', () => {
  it('round-trips every field and keeps regions aligned and disjoint', () => {
    const { view, size } = header();
    const layout = validateBlockHeader(view, size, MUTEX_SIZE, ctx);
    expect(Object.isFrozen(layout)).toBe(true);
    expect(layout).toMatchObject({ slotCount: 8, slotSize: 100, slotStride: 128, policy: 'latest-only', checksum: 'crc32c', checksumPolicy: 'enforced', flexZoneSize: 50, participantCapacity: 4, creatorPid: 1, creatorStartTime: 2, createdAtMs: 3 });
    const regions = [
      [layout.mutexOffset, 128], [layout.stateOffset, layout.stateSize], [layout.participantsOffset, 4 * 64],
      [layout.flexZoneOffset, 50], [layout.controlOffset, 8 * 64], [layout.dataOffset, 8 * 128],
    ] as const;
    let end = HEADER_SIZE;
    for (const [offset, len] of regions) {
      expect(offset % 64).toBe(0);
      expect(offset).toBeGreaterThanOrEqual(end);
      end = offset + len;
    }
    expect(end).toBeLessThanOrEqual(layout.segmentSize);
    expect(layout.segmentSize % 4096).toBe(0);
  });

  const mutations: Array<[string, (v: DataView) => void, string]> = [
    ['magic of a mutex', (v) => v.setUint32(0, MUTEX_MAGIC, true), 'ERR_DATABLOCK_WRONG_KIND'],
    ['foreign magic', (v) => v.setUint32(0, 0xdeadbeef, true), 'ERR_DATABLOCK_BAD_MAGIC'],
    ['version', (v) => v.setUint32(4, 1, true), 'ERR_DATABLOCK_VERSION_MISMATCH'],
    ['headerSize', (v) => v.setUint32(8, 128, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['flags', (v) => v.setUint32(12, 1, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['segmentSize beyond mapping', (v) => v.setBigUint64(16, 1n << 40n, true), 'ERR_DATABLOCK_TOO_SMALL'],
    ['segmentSize above 2^53', (v) => v.setBigUint64(16, 1n << 60n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['slotCount 0', (v) => v.setBigUint64(48, 0n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['slotCount 2^60', (v) => v.setBigUint64(48, 1n << 60n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['slotCount x stride beyond the segment', (v) => { v.setBigUint64(48, 1000n, true); v.setBigUint64(168, 1000n * 128n, true); }, 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['slotSize 0', (v) => v.setBigUint64(56, 0n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['slotStride not matching', (v) => v.setBigUint64(64, 100n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['policy unknown', (v) => v.setUint32(72, 9, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['checksum unknown', (v) => v.setUint32(76, 0, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['checksumPolicy unknown', (v) => v.setUint32(80, 7, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['mutexSize differs', (v) => v.setUint32(84, 48, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['mutex misaligned', (v) => v.setBigUint64(88, 260n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['mutex inside the header', (v) => v.setBigUint64(88, 0n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['state overlaps mutex', (v) => v.setBigUint64(96, 256n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['participantCapacity 0', (v) => v.setUint32(120, 0, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['flex zone beyond the end', (v) => v.setBigUint64(136, 1n << 30n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['control overlaps data', (v) => v.setBigUint64(160, v.getBigUint64(144, true), true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['dataSize inconsistent', (v) => v.setBigUint64(168, 64n, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
    ['reserved byte set', (v) => v.setUint32(200, 1, true), 'ERR_DATABLOCK_LAYOUT_INVALID'],
  ];
  for (const [what, mutate, code] of mutations) {
    it(`rejects ${what} with ${code}`, () => {
      const { view, size } = header();
      mutate(view);
      expect(codeOf(() => validateBlockHeader(view, size, MUTEX_SIZE, ctx))).toBe(code);
    });
  }

  it('rejects a mapping smaller than the segment the header claims', () => {
    const { view, size } = header();
    expect(codeOf(() => validateBlockHeader(view, size - 4096, MUTEX_SIZE, ctx))).toBe('ERR_DATABLOCK_TOO_SMALL');
    expect(codeOf(() => validateBlockHeader(new DataView(new ArrayBuffer(64)), 64, MUTEX_SIZE, ctx))).toBe('ERR_DATABLOCK_TOO_SMALL');
  });
});

describe('mutex layout', () => {
  it('round-trips and validates', () => {
    const fields = computeMutexFields(16, MUTEX_SIZE, { pid: 5, startTime: 6 }, 7);
    const view = new DataView(new ArrayBuffer(HEADER_SIZE));
    writeFields(view, MUTEX_FIELDS, fields);
    view.setUint32(0, MUTEX_MAGIC, true);
    const m = validateMutexHeader(view, fields.segmentSize, MUTEX_SIZE, { kind: 'DataBlockMutex', name: 'm' });
    expect(m).toMatchObject({ participantCapacity: 16, creatorPid: 5, mutexOffset: 256, participantsOffset: 384, segmentSize: 4096 });
    view.setUint32(0, BLOCK_MAGIC, true);
    expect(codeOf(() => validateMutexHeader(view, 4096, MUTEX_SIZE, { kind: 'DataBlockMutex', name: 'm' }))).toBe('ERR_DATABLOCK_WRONG_KIND');
  });
});
