import { DataBlockError, type ObjectKind } from '../errors.js';
import {
  ACTIVE, FREE, PARTICIPANT_WORDS, ROLE_CODES, W_MARKS_LOCK, W_ROLE, W_STATE, clearWords, fill, generationAt, identityAt,
  identityIsAlive, myTid, restoreLiveOwner, claimer as claimerOf, roleName, tokenAt, tokenGeneration, tokenIndex, type ParticipantInfo, type ParticipantRole,
} from './entry.js';
import { isAlive, pidAlive, type ProcessIdentity } from './identity.js';
import { retryWhileBusy, type Outcome } from './outcome.js';

export { PARTICIPANT_WORDS, PROTOCOL_WORDS_START, ROLE_CODES, tokenGeneration, tokenIndex } from './entry.js';
export type { ParticipantInfo, ParticipantRole } from './entry.js';

/**
 * The participants table: claim an entry (register), free it (unregister), the marks lock (reap),
 * and what a token says about its registration (check): one Outcome, one retry bound. Words that
 * name a participant (producer word, a WRITING or DRAINING slot's state) hold tokens, so a
 * newcomer on the same entry is never taken for its dead predecessor. Reader masks carry bare
 * indexes: clearing them takes the marks lock. A registrar claims the state word and THEN reads
 * the marks lock; a reaper takes the lock and THEN reads the state word (sequentially consistent
 * Atomics): one of them always sees the other.
 */
export class ParticipantTable {
  readonly #w: Int32Array;
  readonly capacity: number;

  /** `words` covers exactly capacity * 16 i32 (made once at attach). */
  constructor(words: Int32Array) {
    this.#w = words;
    this.capacity = Math.floor(words.length / PARTICIPANT_WORDS);
  }

  /** The raw table (Atomics only): the slot protocol owns words 8..15 of each entry. */
  get words(): Int32Array {
    return this.#w;
  }

  #inRange(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.capacity;
  }

  /** The token of entry `index`'s current registration (meaningful while it is active). */
  tokenOf(index: number): number {
    return tokenAt(this.#w, index);
  }

  /** Claims entry `base` (state `expected` -> -tid) unless a live thread holds its marks lock. */
  #claim(base: number, expected: number): boolean {
    const w = this.#w;
    if (Atomics.compareExchange(w, base + W_STATE, expected, -myTid()) !== expected) return false;
    const holder = Atomics.load(w, base + W_MARKS_LOCK);
    if (holder === 0) return true;
    if (!pidAlive(holder) && Atomics.compareExchange(w, base + W_MARKS_LOCK, holder, 0) === holder) return true;
    Atomics.store(w, base + W_STATE, expected);
    return false;
  }

  /** One pass over the table; 'busy' when only live claims stood in the way. */
  #registerOnce(role: ParticipantRole, who: ProcessIdentity): number | 'busy' | 'full' {
    const w = this.#w;
    let busy = false;
    for (let i = 0; i < this.capacity; i++) {
      const base = i * PARTICIPANT_WORDS;
      if (Atomics.load(w, base + W_STATE) !== FREE) continue;
      if (this.#claim(base, FREE)) return this.#fillAt(i, role, who);
      busy = true;
    }
    // No free entry: take one whose participant is dead (active, or left mid-claim).
    for (let i = 0; i < this.capacity; i++) {
      const base = i * PARTICIPANT_WORDS;
      const state = Atomics.load(w, base + W_STATE);
      if (state === ACTIVE) {
        if (identityIsAlive(this.#w, base)) continue;
        if (!this.#claim(base, ACTIVE)) {
          busy = true;
          continue;
        }
        // Under our claim the identity is stable: it may have changed hands before the claim.
        if (identityIsAlive(this.#w, base)) {
          Atomics.store(w, base + W_STATE, ACTIVE);
          continue;
        }
      } else {
        const claimer = claimerOf(state);
        if (claimer === 'live') busy = true;
        if (claimer !== 'dead' || restoreLiveOwner(this.#w, base, state)) continue;
        if (!this.#claim(base, state)) {
          busy = true;
          continue;
        }
      }
      return this.#fillAt(i, role, who);
    }
    return busy ? 'busy' : 'full';
  }

  #fillAt(index: number, role: ParticipantRole, who: ProcessIdentity): number {
    fill(this.#w, index * PARTICIPANT_WORDS, role, who);
    return index;
  }

  /**
   * Claims a free entry (or the entry of a dead participant when none is free) and returns its
   * index. Throws ERR_DATABLOCK_PARTICIPANTS_FULL when every entry belongs to a live participant.
   */
  register(role: ParticipantRole, who: ProcessIdentity, ctx: { kind: ObjectKind; name: string }): number {
    const got = retryWhileBusy(() => {
      const r = this.#registerOnce(role, who);
      return r === 'full' ? -1 : r;
    });
    if (typeof got === 'number' && got >= 0) return got;
    throw new DataBlockError(
      'ERR_DATABLOCK_PARTICIPANTS_FULL',
      `${ctx.kind} '${ctx.name}' already has ${this.capacity} live participants: close some, or create it with a larger maxParticipants`,
      { name: ctx.name, kind: ctx.kind },
    );
  }

  /**
   * Frees entry `index` if it still belongs to `who` (a reclaimed entry is left alone). `who` may
   * be another, dead participant (cleanup). Returns false only when another live thread kept a
   * claim on the entry past the retry bound (the entry is still `who`'s then; call again).
   */
  unregister(index: number, who: ProcessIdentity): boolean {
    if (!this.#inRange(index)) return true;
    const w = this.#w;
    const base = index * PARTICIPANT_WORDS;
    const isWho = (): boolean => {
      const id = identityAt(this.#w, base);
      return id.pid === who.pid && id.tid === (who.tid ?? who.pid) && id.startTime === who.startTime;
    };
    const claimed = retryWhileBusy((): boolean | 'busy' => {
      const state = Atomics.load(w, base + W_STATE);
      if (state === ACTIVE) {
        if (!isWho()) return false;
        return Atomics.compareExchange(w, base + W_STATE, ACTIVE, -myTid()) === ACTIVE ? true : 'busy';
      }
      const claimer = claimerOf(state);
      if (claimer === undefined) return false; // free, or not a claim we can wait for
      // A dead claimer died inside a re-check: give the entry back to its live owner, if any.
      if (claimer === 'dead' && !restoreLiveOwner(this.#w, base, state)) return false;
      return 'busy';
    });
    if (claimed === 'busy') return false;
    if (!claimed) return true;
    if (!isWho()) {
      Atomics.store(w, base + W_STATE, ACTIVE);
      return true;
    }
    clearWords(w, base);
    Atomics.store(w, base + W_STATE, FREE);
    return true;
  }

  /**
   * What became of the registration `token` with role `role`: 'alive' while it holds its entry
   * and its thread lives; 'dead' once its thread died or the entry was freed or refilled (a new
   * generation); 'busy' while another live thread claims or frees the entry of a live one. Reads /proc.
   */
  check(token: number, role: ParticipantRole): Outcome {
    const index = tokenIndex(token);
    if (!this.#inRange(index)) return 'dead';
    const w = this.#w;
    const base = index * PARTICIPANT_WORDS;
    const gen = tokenGeneration(token);
    if (generationAt(w, base) !== gen) return 'dead';
    const state = Atomics.load(w, base + W_STATE);
    let outcome: Outcome;
    if (state === ACTIVE) {
      outcome = Atomics.load(w, base + W_ROLE) === ROLE_CODES[role] && identityIsAlive(this.#w, base) ? 'alive' : 'dead';
    } else {
      // A live claim on a registration whose thread is dead is a registrar taking the entry or a
      // cleanup freeing it: that registration is gone. On a live one it is the owner leaving or a
      // registrar's re-check: wait for it.
      const claimer = claimerOf(state);
      if (claimer === 'live') outcome = identityIsAlive(w, base) ? 'busy' : 'dead';
      else if (claimer === 'dead' && restoreLiveOwner(this.#w, base, state)) outcome = 'busy';
      else outcome = 'dead';
    }
    // Refilled meanwhile: the registration we were asked about has gone.
    return generationAt(w, base) === gen ? outcome : 'dead';
  }

  /**
   * Reap: runs `clear()` (which clears marks carrying index `index`, e.g. reader bits) holding
   * the entry's marks lock, unless the entry belongs to a live participant of role `ownerRole`
   * ('alive': the marks are its own) or another live thread is changing it ('busy'). No thread
   * can claim the entry while the lock is held, so the marks cleared are never a newcomer's. An
   * index outside the table (a corrupt word) belongs to nobody: cleared at once.
   */
  reap(index: number, ownerRole: ParticipantRole, clear: () => void): Outcome {
    if (!this.#inRange(index)) {
      clear();
      return 'cleared';
    }
    const w = this.#w;
    const base = index * PARTICIPANT_WORDS;
    const me = myTid();
    const holder = Atomics.load(w, base + W_MARKS_LOCK);
    if (holder !== 0 && holder !== me && pidAlive(holder)) return 'busy';
    if (Atomics.compareExchange(w, base + W_MARKS_LOCK, holder, me) !== holder) return 'busy';
    try {
      let state = Atomics.load(w, base + W_STATE);
      let claimer = claimerOf(state);
      if (claimer === 'dead' && restoreLiveOwner(this.#w, base, state)) {
        state = Atomics.load(w, base + W_STATE);
        claimer = claimerOf(state);
      }
      if (state === ACTIVE) {
        if (Atomics.load(w, base + W_ROLE) === ROLE_CODES[ownerRole] && identityIsAlive(this.#w, base)) return 'alive';
      } else if (claimer === 'live') {
        return 'busy';
      }
      clear();
      return 'cleared';
    } finally {
      Atomics.compareExchange(w, base + W_MARKS_LOCK, me, 0);
    }
  }

  #info(index: number): ParticipantInfo {
    const base = index * PARTICIPANT_WORDS;
    const id = identityAt(this.#w, base);
    return Object.freeze({ index, role: roleName(Atomics.load(this.#w, base + W_ROLE)), pid: id.pid, tid: id.tid, startTime: id.startTime, alive: isAlive(id) });
  }

  /** Entry `index` when active (reads /proc for its liveness), else undefined. */
  entry(index: number): ParticipantInfo | undefined {
    if (!this.#inRange(index) || Atomics.load(this.#w, index * PARTICIPANT_WORDS) !== ACTIVE) return undefined;
    return this.#info(index);
  }

  /** Entry of registration `token` while it still holds it (same generation), else undefined. */
  entryOf(token: number): ParticipantInfo | undefined {
    const index = tokenIndex(token);
    const found = this.entry(index);
    if (found === undefined || generationAt(this.#w, index * PARTICIPANT_WORDS) !== tokenGeneration(token)) return undefined;
    return found;
  }

  /** Active entries with their liveness (reads /proc for each). */
  list(): ParticipantInfo[] {
    const out: ParticipantInfo[] = [];
    for (let i = 0; i < this.capacity; i++) if (Atomics.load(this.#w, i * PARTICIPANT_WORDS) === ACTIVE) out.push(this.#info(i));
    return out;
  }
}
