// ReadSlot: a slot a consumer holds (its zero-copy view, checksum verdict, release).
import { DataBlockError } from '../errors.js';

/** What a ReadSlot calls back into (the consumer's internal state). @internal */
export interface ReadSlotOwner {
  releaseSlot(slot: ReadSlot, data: Uint8Array): void;
  verifySlot(slot: ReadSlot, data: Uint8Array): boolean;
}

function released(slotId: number, what: string): DataBlockError {
  return new DataBlockError(
    'ERR_DATABLOCK_SLOT_RELEASED',
    `read slot ${slotId} was already released: ${what} is not allowed any more; acquire a new slot with consumer.acquireConsumeSlot()`,
  );
}

/**
 * A committed slot this consumer holds (its bit is set in the slot's reader mask, so the producer
 * cannot rewrite it). `data` is a zero-copy view of the committed bytes; it is valid until
 * release(). After release every member throws ERR_DATABLOCK_SLOT_RELEASED.
 */
export class ReadSlot {
  /** Commit sequence number of this slot. */
  readonly slotId: number;
  /** Ring index (slotId % slotCount). */
  readonly index: number;
  /** Committed length in bytes (data.length). */
  readonly length: number;
  #owner: ReadSlotOwner | null;
  #data: Uint8Array;
  #checksumOk: boolean | undefined;

  /** @internal */
  constructor(owner: ReadSlotOwner, slotId: number, index: number, data: Uint8Array, checksumOk: boolean | undefined) {
    this.#owner = owner;
    this.slotId = slotId;
    this.index = index;
    this.length = data.length;
    this.#data = data;
    this.#checksumOk = checksumOk;
  }

  /** The committed bytes (a subarray of the slot's view made at attach; fresh per acquisition with debugViews). */
  get data(): Uint8Array {
    if (this.#owner === null) throw released(this.slotId, 'data');
    return this.#data;
  }

  /** False once released. */
  get active(): boolean {
    return this.#owner !== null;
  }

  /**
   * Whether the payload matches the checksum the producer stored. Computed on first access
   * (checksumPolicy 'manual'); always true with 'enforced' (a mismatch never gets this far) and
   * when the block has no checksum.
   */
  get checksumOk(): boolean {
    const owner = this.#owner;
    if (owner === null) throw released(this.slotId, 'checksumOk');
    if (this.#checksumOk === undefined) this.#checksumOk = owner.verifySlot(this, this.#data);
    return this.#checksumOk;
  }

  /** Gives the slot back (clears this reader's mark; sequential: marks it consumed). */
  release(): void {
    const owner = this.#owner;
    if (owner === null) throw released(this.slotId, 'release()');
    this.#owner = null;
    owner.releaseSlot(this, this.#data);
  }

  [Symbol.dispose](): void {
    if (this.#owner !== null) this.release();
  }
}
