// Per-slot payload views over the data region, made once per block and cached.
import { invalidArgument } from '../errors.js';
import type { BlockLayout } from '../layout/validate.js';
import type { NativeMapping } from '../native.js';

/** Largest external buffer we make over the slot data (V8 refuses > 4 GiB). */
const CHUNK_BYTES = 2 ** 30;

/**
 * Per-slot payload views, made once and cached. The data region is covered by a few external
 * buffers of at most 1 GiB of whole slots; a slot's view is a subarray (no external memory).
 */
export class SlotViews {
  readonly #mapping: NativeMapping;
  readonly #layout: BlockLayout;
  readonly #slotsPerChunk: number;
  readonly #chunks: Array<Uint8Array | undefined> = [];
  readonly #views: Array<Uint8Array | undefined> = [];

  constructor(mapping: NativeMapping, layout: BlockLayout) {
    this.#mapping = mapping;
    this.#layout = layout;
    this.#slotsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / layout.slotStride));
  }

  get(index: number): Uint8Array {
    const { slotCount, slotStride, slotSize, dataOffset } = this.#layout;
    if (!Number.isInteger(index) || index < 0 || index >= slotCount) {
      throw invalidArgument(`slot index must be an integer from 0 to ${slotCount - 1}; got ${String(index)}`);
    }
    const cached = this.#views[index];
    if (cached !== undefined) return cached;
    const c = Math.floor(index / this.#slotsPerChunk);
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      const first = c * this.#slotsPerChunk;
      const n = Math.min(this.#slotsPerChunk, slotCount - first);
      chunk = new Uint8Array(this.#mapping.buffer(dataOffset + first * slotStride, n * slotStride));
      this.#chunks[c] = chunk;
    }
    const at = (index - c * this.#slotsPerChunk) * slotStride;
    const view = chunk.subarray(at, at + slotSize);
    this.#views[index] = view;
    return view;
  }
}
