import { BLOCK_FIELDS, BLOCK_MAGIC, HEADER_SIZE, MUTEX_FIELDS, MUTEX_MAGIC, type Field } from './fields.js';
import type { ImageKind, PristineImage } from './images.js';
import { caseRng, type Rng } from './prng.js';

/** One fuzz case: which image, the corrupted bytes, how to attach, and what was done (replayable). */
export interface FuzzCase {
  index: number;
  image: ImageKind;
  attachAs: ImageKind;
  bytes: Uint8Array;
  steps: string[];
}

const PAGE = 4096;

function fieldsOf(kind: ImageKind): Field[] {
  return kind === 'block' ? BLOCK_FIELDS : MUTEX_FIELDS;
}

function interestingValues(image: PristineImage, current: bigint): bigint[] {
  const size = BigInt(image.segmentSize);
  return [
    0n, 1n, 2n, 63n, 64n, 65n, 255n, 256n, 257n, 4096n,
    0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
    2n ** 31n - 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n,
    size - 1n, size, size + 1n, size - 64n, size + 64n, size * 2n,
    current + 1n, current - 1n, current + 64n, current - 64n, current * 2n, current << 32n,
  ].map((v) => BigInt.asUintN(64, v));
}

function readField(view: DataView, f: Field): bigint {
  return f.size === 4 ? BigInt(view.getUint32(f.offset, true)) : view.getBigUint64(f.offset, true);
}

function writeField(view: DataView, f: Field, value: bigint): void {
  if (f.size === 4) view.setUint32(f.offset, Number(BigInt.asUintN(32, value)), true);
  else view.setBigUint64(f.offset, BigInt.asUintN(64, value), true);
}

function flipBits(bytes: Uint8Array, rng: Rng, from: number, to: number, what: string, steps: string[]): void {
  const end = Math.min(to, bytes.length);
  if (end <= from) return;
  const count = rng.pick([1, 1, 1, 2, 3, 8]);
  const flips: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = rng.between(from, end - 1);
    const bit = rng.below(8);
    bytes[at]! ^= 1 << bit;
    flips.push(`${at}.${bit}`);
  }
  steps.push(`flip ${what} bits ${flips.join(' ')}`);
}

type Mutation = (bytes: Uint8Array, image: PristineImage, rng: Rng, steps: string[]) => Uint8Array;

const flipHeader: Mutation = (bytes, _image, rng, steps) => {
  flipBits(bytes, rng, 0, HEADER_SIZE, 'header', steps);
  return bytes;
};

const flipControl: Mutation = (bytes, image, rng, steps) => {
  const region = rng.pick(image.regions);
  flipBits(bytes, rng, region.offset, region.offset + region.size, region.name, steps);
  return bytes;
};

const randomField: Mutation = (bytes, image, rng, steps) => {
  const field = rng.pick(fieldsOf(image.kind));
  for (let i = 0; i < field.size; i++) bytes[field.offset + i] = rng.below(256);
  steps.push(`random bytes over ${field.name}`);
  return bytes;
};

const interestingField: Mutation = (bytes, image, rng, steps) => {
  const field = rng.pick(fieldsOf(image.kind));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const value = rng.pick(interestingValues(image, readField(view, field)));
  writeField(view, field, value);
  steps.push(`${field.name} = ${value}`);
  return bytes;
};

const randomSpan: Mutation = (bytes, image, rng, steps) => {
  const region = rng.chance(0.5) ? { name: 'header', offset: 0, size: HEADER_SIZE } : rng.pick(image.regions);
  const start = region.offset + rng.below(region.size);
  const length = Math.min(rng.between(1, 64), region.offset + region.size - start);
  for (let i = 0; i < length && start + i < bytes.length; i++) bytes[start + i] = rng.below(256);
  steps.push(`random bytes over ${region.name} [${start}, ${start + length})`);
  return bytes;
};

const fillRegion: Mutation = (bytes, image, rng, steps) => {
  const region = rng.pick(image.regions);
  const value = rng.pick([0x00, 0xff, 0x01, 0x02, 0x7f, 0x80]);
  bytes.fill(value, region.offset, Math.min(region.offset + region.size, bytes.length));
  steps.push(`fill ${region.name} with 0x${value.toString(16)}`);
  return bytes;
};

const truncate: Mutation = (bytes, image, rng, steps) => {
  const size = bytes.length;
  const length = rng.pick([
    0, 1, 3, 4, 5, 8, 47, 48, 64, 255, 256, 257, 384, 1024, PAGE - 1, PAGE, PAGE + 1,
    image.segmentSize - PAGE, image.segmentSize - 64, image.segmentSize - 1, rng.below(size),
  ].filter((n) => n >= 0 && n < size));
  steps.push(`truncate to ${length} bytes`);
  return bytes.slice(0, length);
};

const extend: Mutation = (bytes, _image, rng, steps) => {
  const extra = rng.pick([1, 63, 64, PAGE, PAGE + 7, 3 * PAGE]);
  const grown = new Uint8Array(bytes.length + extra);
  grown.set(bytes);
  if (rng.chance(0.5)) for (let i = bytes.length; i < grown.length; i++) grown[i] = rng.below(256);
  steps.push(`extend by ${extra} bytes`);
  return grown;
};

const otherMagic: Mutation = (bytes, image, _rng, steps) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint32(0, image.kind === 'block' ? MUTEX_MAGIC : BLOCK_MAGIC, true);
  steps.push("other kind's magic");
  return bytes;
};

const participantsChaos: Mutation = (bytes, image, rng, steps) => {
  const table = image.regions.find((r) => r.name === 'participants');
  if (!table) return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const state = rng.pick([1, 2, 3, -1]);
  for (let at = table.offset; at + 64 <= table.offset + table.size && at + 64 <= bytes.length; at += 64) {
    view.setInt32(at, state, true);
    view.setInt32(at + 4, rng.pick([0, 1, 2, 5, 99, -1]), true);
    view.setInt32(at + 8, rng.pick([0, 1, 2, 0x7fffffff, -1, rng.u32() | 0]), true);
    view.setInt32(at + 12, rng.u32() | 0, true);
    view.setInt32(at + 16, rng.pick([0, -1, rng.u32() | 0]), true);
  }
  steps.push(`every participant entry state ${state} with odd pids`);
  return bytes;
};

const MUTATIONS: Array<[Mutation, number]> = [
  [flipHeader, 20], [flipControl, 15], [randomField, 15], [interestingField, 20], [randomSpan, 8],
  [fillRegion, 5], [truncate, 8], [extend, 4], [otherMagic, 2], [participantsChaos, 3],
];
const TOTAL_WEIGHT = MUTATIONS.reduce((n, [, w]) => n + w, 0);

function pickMutation(rng: Rng): Mutation {
  let r = rng.below(TOTAL_WEIGHT);
  for (const [mutation, weight] of MUTATIONS) {
    if (r < weight) return mutation;
    r -= weight;
  }
  return flipHeader;
}

/** Builds case `index` of `seed` from the pristine images: 1 to 3 corruptions of a copy. */
export function makeCase(seed: number, index: number, images: Record<ImageKind, PristineImage>): FuzzCase {
  const rng = caseRng(seed, index);
  const image = rng.chance(0.7) ? images.block : images.mutex;
  let bytes: Uint8Array = image.bytes.slice();
  const steps: string[] = [];
  const count = rng.pick([1, 1, 1, 2, 2, 3]);
  const chosen = Array.from({ length: count }, () => pickMutation(rng));
  // Size changes last, so that content corruptions always land inside the file.
  const isSize = (m: Mutation) => m === truncate || m === extend;
  for (const mutation of [...chosen.filter((m) => !isSize(m)), ...chosen.filter(isSize)]) {
    bytes = mutation(bytes, image, rng, steps);
  }
  // Now and then attach as the other kind (the file is at the other kind's name).
  const attachAs: ImageKind = rng.chance(0.03) ? (image.kind === 'block' ? 'mutex' : 'block') : image.kind;
  if (attachAs !== image.kind) steps.push(`attached as ${attachAs}`);
  return { index, image: image.kind, attachAs, bytes, steps };
}
