// The cleaner: the one place that clears what a gone participant left in the slot protocol.
import {
  CONTROL_WORDS, C_PENDING_LO, C_READERS_LO, C_STATE, COMMITTED, DRAINING, FREE, MAX_READER_INDEX, S_CONSUMER_WAITERS_LO,
  S_SEQ_CONSUMER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, WRITING, ownerOf, stateOf,
} from '../slots/constants.js';
import type { Outcome } from './outcome.js';
import { retryWhileBusy } from './outcome.js';
import { tokenIndex, type ParticipantRole, type ParticipantTable } from './table.js';

/** What the cleaner needs of a block (SlotContext provides it; no import of the slot layer). */
export interface CleanerViews {
  readonly table: ParticipantTable;
  readonly state: Int32Array;
  readonly control: Int32Array;
  readonly slotCount: number;
  notifyProducer(): void;
  notifyConsumers(): void;
}

/**
 * The only code that clears what a participant left in the slot protocol: a consumer's marks
 * (reader and pending bits, sync-active and waiter bits, the sequential-consumer word), the
 * words that name a participant by token (producer, sequential consumer) and the slots a dead
 * producer left WRITING or DRAINING. Someone else's marks are cleared under the entry's marks
 * lock (table.reap); token words and slot states by compare-exchange on the token.
 */
export class Cleaner {
  readonly #v: CleanerViews;

  constructor(views: CleanerViews) {
    this.#v = views;
  }

  /**
   * Clears every mark carrying consumer index `p`, unlocked: only for the caller's own entry
   * (closing, or clearing what a dead predecessor on it left) or when forced. Returns how many
   * slot reader marks were cleared.
   */
  clearConsumerMarks(p: number, pendingIsMask: boolean): number {
    const { state, control: c } = this.#v;
    const seq = Atomics.load(state, S_SEQ_CONSUMER);
    if (seq !== 0 && tokenIndex(seq) === p) Atomics.compareExchange(state, S_SEQ_CONSUMER, seq, 0);
    if (!(p >= 0 && p < MAX_READER_INDEX)) return 0; // no reader bits for such an index
    const word = p < 32 ? 0 : 1;
    const bit = 1 << (p & 31);
    let cleared = 0;
    // Active bit first: a commit that read the active mask before this point ANDs its pending
    // bits with the active mask after storing them; one that read it later sees us gone.
    Atomics.and(state, word === 0 ? S_SYNC_ACTIVE_LO : S_SYNC_ACTIVE_HI, ~bit);
    for (let i = 0; i < this.#v.slotCount; i++) {
      const b = i * CONTROL_WORDS;
      if (Atomics.and(c, b + C_READERS_LO + word, ~bit) & bit) cleared++;
      if (pendingIsMask) Atomics.and(c, b + C_PENDING_LO + word, ~bit);
    }
    Atomics.and(state, S_CONSUMER_WAITERS_LO + word, ~bit);
    this.#v.notifyProducer();
    return cleared;
  }

  /** Clears consumer index `p`'s marks unless a live consumer holds entry p (reap under its lock). */
  reapConsumer(p: number, pendingIsMask: boolean): Outcome {
    return this.#v.table.reap(p, 'consumer', () => { this.clearConsumerMarks(p, pendingIsMask); });
  }

  /**
   * Takes the state word `word` (producer or sequential consumer) for `mine`: at once when it is
   * 0, else only when the registration it names is dead (its marks reaped first for a consumer).
   * 'cleared': taken; 'alive': a live participant holds it; 'busy': contention past the bound.
   */
  takeOver(word: number, role: ParticipantRole, mine: number, pendingIsMask: boolean): Outcome {
    const { state, table } = this.#v;
    const got = retryWhileBusy((): Outcome => {
      const cur = Atomics.load(state, word);
      if (cur !== 0) {
        const outcome = table.check(cur, role);
        if (outcome !== 'dead') return outcome;
        // A dead consumer's reader bits carry its index: reap them under the entry's lock
        // ('alive': a newcomer now holds that index and clears them itself).
        if (role === 'consumer' && this.reapConsumer(tokenIndex(cur), pendingIsMask) === 'busy') return 'busy';
      }
      return Atomics.compareExchange(state, word, cur, mine) === cur ? 'cleared' : 'busy';
    });
    return got;
  }

  /**
   * Slot `index` is WRITING or DRAINING by a producer registration that is gone (or `force`):
   * WRITING -> FREE (the partial payload is never readable), DRAINING -> COMMITTED (the old data
   * stays readable). The compare-exchange on the state word, which names the owner, acts only if
   * that registration still holds the slot. 'cleared' when done, 'alive'/'busy' when the owner
   * lives or its entry is changing, 'dead' when there was nothing of that owner to reclaim.
   */
  reclaimSlot(index: number, force: boolean, observed?: number): { outcome: Outcome; before: number } {
    const c = this.#v.control;
    const b = index * CONTROL_WORDS + C_STATE;
    // `observed`: the state word the caller decided on (read earlier); default: read it now.
    const before = observed ?? Atomics.load(c, b);
    const st = stateOf(before);
    if (st !== WRITING && st !== DRAINING) return { outcome: 'dead', before };
    if (!force) {
      const outcome = this.#v.table.check(ownerOf(before), 'producer');
      if (outcome !== 'dead') return { outcome, before };
    }
    if (Atomics.compareExchange(c, b, before, st === WRITING ? FREE : COMMITTED) !== before) return { outcome: 'dead', before };
    if (st === WRITING) this.#v.notifyProducer();
    else this.#v.notifyConsumers();
    return { outcome: 'cleared', before };
  }
}
