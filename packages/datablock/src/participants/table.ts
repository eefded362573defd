import { DataBlockError, type ObjectKind } from '../errors.js';
import { isAlive, pidAlive, selfIdentity, type ProcessIdentity } from './identity.js';
import { retryWhileBusy, type Outcome } from './outcome.js';

/**
 * The participants table: claim an entry, free it, the marks lock, and what an entry or a token
 * says about its participant (check). `capacity` entries of 16 x i32 (Atomics only; LAYOUT.md):
 *   0 state: 0 free, 2 active (stored last), -tid: being claimed or freed by thread tid
 *   1 role   2 pid   3 tid   4, 5 start time lo/hi (of the thread)
 *   6 marks lock: 0, or the tid of a thread clearing marks that carry this entry's index
 *   7 generation: +1 (mod 2^16) each time the entry is filled; never zeroed
 *   8..15 owned by the slot protocol, zeroed on register
 * A token names one registration: (generation << 13) | (index + 1). Words that name a
 * participant (producer word, a WRITING or DRAINING slot's state) hold tokens, so a newcomer on
 * the same entry is never taken for its dead predecessor. Reader masks carry bare indexes:
 * clearing them takes the marks lock (reap). A registrar claims the state word and THEN reads
 * the marks lock; a reaper takes the lock and THEN reads the state word (sequentially consistent
 * Atomics): one of them always sees the other.
 */
export const PARTICIPANT_WORDS = 16;
export const PROTOCOL_WORDS_START = 8;
const FREE = 0;
const ACTIVE = 2;
const W_STATE = 0;
const W_ROLE = 1;
const W_PID = 2;
const W_TID = 3;
const W_START_LO = 4;
const W_START_HI = 5;
const W_MARKS_LOCK = 6;
const W_GEN = 7;
const INDEX_BITS = 13;

export type ParticipantRole = 'creator' | 'attacher' | 'producer' | 'consumer' | 'observer';
export const ROLE_CODES: Readonly<Record<ParticipantRole, number>> = Object.freeze({ creator: 1, attacher: 2, producer: 3, consumer: 4, observer: 5 });

function roleName(code: number): ParticipantRole | 'unknown' {
  for (const [name, value] of Object.entries(ROLE_CODES)) if (value === code) return name as ParticipantRole;
  return 'unknown';
}

export interface ParticipantInfo {
  readonly index: number;
  readonly role: ParticipantRole | 'unknown';
  readonly pid: number;
  /** Thread id (equal to pid for a main thread). */
  readonly tid: number;
  readonly startTime: number;
  readonly alive: boolean;
}

export const tokenIndex = (token: number): number => (token & ((1 << INDEX_BITS) - 1)) - 1;
export const tokenGeneration = (token: number): number => token >>> INDEX_BITS;

const myTid = (): number => selfIdentity().tid ?? process.pid;

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

  #identityAt(base: number): Required<ProcessIdentity> {
    const w = this.#w;
    const lo = Atomics.load(w, base + W_START_LO) >>> 0;
    return { pid: Atomics.load(w, base + W_PID) >>> 0, tid: Atomics.load(w, base + W_TID) >>> 0, startTime: (Atomics.load(w, base + W_START_HI) >>> 0) * 2 ** 32 + lo };
  }

  #identityIsAlive(base: number): boolean {
    return isAlive(this.#identityAt(base));
  }

  /** The token of entry `index`'s current registration (meaningful while it is active). */
  tokenOf(index: number): number {
    return ((Atomics.load(this.#w, index * PARTICIPANT_WORDS + W_GEN) & 0xffff) << INDEX_BITS) | (index + 1);
  }

  #fill(base: number, role: ParticipantRole, who: ProcessIdentity): void {
    const w = this.#w;
    for (let i = 1; i < PARTICIPANT_WORDS; i++) if (i !== W_MARKS_LOCK && i !== W_GEN) Atomics.store(w, base + i, 0);
    Atomics.store(w, base + W_ROLE, ROLE_CODES[role]);
    Atomics.store(w, base + W_PID, who.pid | 0);
    Atomics.store(w, base + W_TID, (who.tid ?? who.pid) | 0);
    Atomics.store(w, base + W_START_LO, who.startTime % 2 ** 32 | 0);
    Atomics.store(w, base + W_START_HI, Math.floor(who.startTime / 2 ** 32) | 0);
    Atomics.store(w, base + W_GEN, (Atomics.load(w, base + W_GEN) + 1) & 0xffff);
    Atomics.store(w, base + W_STATE, ACTIVE);
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

  /**
   * `state` is a claim by a thread that died. If the identity words still name a live thread,
   * the claimer died inside a re-check of a live entry: give the entry back to it (-> active).
   */
  #restoreLiveOwner(base: number, state: number): boolean {
    if (!this.#identityIsAlive(base)) return false;
    Atomics.compareExchange(this.#w, base + W_STATE, state, ACTIVE);
    return true;
  }

  /** Whose claim `state` is: another thread's 'live' or 'dead' claim, else undefined. */
  static #claimer(state: number): 'live' | 'dead' | undefined {
    if (state >= 0 || state === -myTid()) return undefined;
    return pidAlive(-state) ? 'live' : 'dead';
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
        if (this.#identityIsAlive(base)) continue;
        if (!this.#claim(base, ACTIVE)) {
          busy = true;
          continue;
        }
        // Under our claim the identity is stable: it may have changed hands before the claim.
        if (this.#identityIsAlive(base)) {
          Atomics.store(w, base + W_STATE, ACTIVE);
          continue;
        }
      } else {
        const claimer = ParticipantTable.#claimer(state);
        if (claimer === 'live') busy = true;
        if (claimer !== 'dead' || this.#restoreLiveOwner(base, state)) continue;
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
    this.#fill(index * PARTICIPANT_WORDS, role, who);
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
      const id = this.#identityAt(base);
      return id.pid === who.pid && id.tid === (who.tid ?? who.pid) && id.startTime === who.startTime;
    };
    const claimed = retryWhileBusy((): boolean | 'busy' => {
      const state = Atomics.load(w, base + W_STATE);
      if (state === ACTIVE) {
        if (!isWho()) return false;
        return Atomics.compareExchange(w, base + W_STATE, ACTIVE, -myTid()) === ACTIVE ? true : 'busy';
      }
      const claimer = ParticipantTable.#claimer(state);
      if (claimer === undefined) return false; // free, or not a claim we can wait for
      // A dead claimer died inside a re-check: give the entry back to its live owner, if any.
      if (claimer === 'dead' && !this.#restoreLiveOwner(base, state)) return false;
      return 'busy';
    });
    if (claimed === 'busy') return false;
    if (!claimed) return true;
    if (!isWho()) {
      Atomics.store(w, base + W_STATE, ACTIVE);
      return true;
    }
    for (let i = 1; i < PARTICIPANT_WORDS; i++) if (i !== W_MARKS_LOCK && i !== W_GEN) Atomics.store(w, base + i, 0);
    Atomics.store(w, base + W_STATE, FREE);
    return true;
  }

  /**
   * What became of the registration `token` with role `role`: 'alive' while it holds its entry
   * and its thread lives; 'dead' once its thread died or the entry was freed or refilled (a new
   * generation); 'busy' while another live thread claims or frees the entry. Reads /proc.
   */
  check(token: number, role: ParticipantRole): Outcome {
    const index = tokenIndex(token);
    if (!this.#inRange(index)) return 'dead';
    const w = this.#w;
    const base = index * PARTICIPANT_WORDS;
    const gen = tokenGeneration(token);
    if ((Atomics.load(w, base + W_GEN) & 0xffff) !== gen) return 'dead';
    const state = Atomics.load(w, base + W_STATE);
    let outcome: Outcome;
    if (state === ACTIVE) {
      outcome = Atomics.load(w, base + W_ROLE) === ROLE_CODES[role] && this.#identityIsAlive(base) ? 'alive' : 'dead';
    } else {
      const claimer = ParticipantTable.#claimer(state);
      if (claimer === 'live') outcome = 'busy';
      else if (claimer === 'dead' && this.#restoreLiveOwner(base, state)) outcome = 'busy';
      else outcome = 'dead';
    }
    // Refilled meanwhile: the registration we were asked about has gone.
    return (Atomics.load(w, base + W_GEN) & 0xffff) === gen ? outcome : 'dead';
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
      let claimer = ParticipantTable.#claimer(state);
      if (claimer === 'dead' && this.#restoreLiveOwner(base, state)) {
        state = Atomics.load(w, base + W_STATE);
        claimer = ParticipantTable.#claimer(state);
      }
      if (state === ACTIVE) {
        if (Atomics.load(w, base + W_ROLE) === ROLE_CODES[ownerRole] && this.#identityIsAlive(base)) return 'alive';
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
    const id = this.#identityAt(base);
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
    if (found === undefined || (Atomics.load(this.#w, index * PARTICIPANT_WORDS + W_GEN) & 0xffff) !== tokenGeneration(token)) return undefined;
    return found;
  }

  /** Active entries with their liveness (reads /proc for each). */
  list(): ParticipantInfo[] {
    const out: ParticipantInfo[] = [];
    for (let i = 0; i < this.capacity; i++) if (Atomics.load(this.#w, i * PARTICIPANT_WORDS) === ACTIVE) out.push(this.#info(i));
    return out;
  }
}
