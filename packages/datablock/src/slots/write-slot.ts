// WriteSlot: a slot a producer holds (its zero-copy view, commit, abort).
import { DataBlockError } from '../errors.js';

/** What a WriteSlot calls back into (the producer's internal state). @internal */
export interface WriteSlotOwner {
  commitSlot(slot: WriteSlot, data: Uint8Array, length: number): void;
  abortSlot(slot: WriteSlot, data: Uint8Array): void;
}

function released(slotId: number, what: string): DataBlockError {
  return new DataBlockError(
    'ERR_DATABLOCK_SLOT_RELEASED',
    `write slot ${slotId} was already committed or aborted: ${what} is not allowed any more; acquire a new slot with producer.acquireWriteSlot()`,
  );
}

/**
 * A slot this producer is writing (state WRITING). Fill `data` (zero-copy view of slotSize bytes
 * of shared memory), then `commit(length)` to publish the first `length` bytes, or `abort()`.
 * After commit/abort every member throws ERR_DATABLOCK_SLOT_RELEASED.
 */
export class WriteSlot {
  /** Monotonic commit sequence number of this slot (0, 1, 2, ...). */
  readonly slotId: number;
  /** Ring index (slotId % slotCount). */
  readonly index: number;
  #owner: WriteSlotOwner | null;
  #data: Uint8Array;

  /** @internal */
  constructor(owner: WriteSlotOwner, slotId: number, index: number, data: Uint8Array) {
    this.#owner = owner;
    this.slotId = slotId;
    this.index = index;
    this.#data = data;
  }

  /** The slot's payload, slotSize bytes of shared memory (the same view every time unless debugViews). */
  get data(): Uint8Array {
    if (this.#owner === null) throw released(this.slotId, 'data');
    return this.#data;
  }

  /** False once committed or aborted. */
  get active(): boolean {
    return this.#owner !== null;
  }

  /**
   * Publishes data[0, length): stores the checksum (if the block has one), marks the slot
   * COMMITTED and wakes sleeping consumers. `length` must be an integer in 0..slotSize
   * (else ERR_DATABLOCK_INVALID_ARGUMENT, and the slot stays yours).
   */
  commit(length: number): void {
    const owner = this.#owner;
    if (owner === null) throw released(this.slotId, 'commit()');
    owner.commitSlot(this, this.#data, length);
    this.#owner = null;
  }

  /** Gives the slot up without publishing it (state FREE; the next acquire reuses slotId). */
  abort(): void {
    const owner = this.#owner;
    if (owner === null) throw released(this.slotId, 'abort()');
    owner.abortSlot(this, this.#data);
    this.#owner = null;
  }
}
