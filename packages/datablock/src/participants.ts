import { DataBlockError, type ObjectKind } from './errors.js';
import { isAlive, pidAlive, type ProcessIdentity } from './liveness.js';

/**
 * Participants table: `capacity` entries of 64 bytes (16 x i32), accessed with Atomics on an
 * Int32Array made once over the table.
 *   word 0  state      0 free; 2 active (stored last, after the other words);
 *                      -pid: being claimed or freed by process `pid`. A claim left by a process
 *                      that died is taken over (pid_max <= 2^22, so -pid fits and is never 0 or 2).
 *   word 1  role       see ROLE_CODES
 *   word 2  pid
 *   word 3  startTime low 32 bits   (field 22 of /proc/<pid>/stat)
 *   word 4  startTime high 32 bits
 *   word 5  marks lock: 0, or the pid of a process clearing the protocol marks that carry this
 *           entry's index (e.g. a dead reader's bits). Taken by compare-exchange 0 -> pid,
 *           released pid -> 0; a lock left by a dead process is taken over. A registrar never
 *           claims an entry while its marks lock is held (unregister may: freeing adds no owner),
 *           so a reaper that found the entry abandoned cannot clear the marks of a newcomer that
 *           took the entry meanwhile. Never zeroed by register or unregister.
 *   words 6..15  owned by the slot protocol (e.g. a consumer's position); zeroed on register
 *
 * Why the two locks interlock (all Atomics are sequentially consistent, across processes too):
 * a registrar claims the state word and THEN reads the marks lock; a reaper takes the marks lock
 * and THEN reads the state word. At least one of them sees the other: either the registrar sees
 * the lock and gives the entry back, or the reaper sees the claim (or the newcomer, active and
 * alive) and leaves the marks alone.
 */
export const PARTICIPANT_WORDS = 16;
export const PROTOCOL_WORDS_START = 6;

const FREE = 0;
const ACTIVE = 2;
const W_STATE = 0;
const W_ROLE = 1;
const W_PID = 2;
const W_START_LO = 3;
const W_START_HI = 4;
const W_MARKS_LOCK = 5;
/**
 * Upper bound on looking again when another live process holds a brief claim or the marks lock
 * of the entry we want (those last microseconds, unless that process is descheduled).
 */
const CONTENDED_RETRY_MS = 1000;

/** What `clearMarksIfAbandoned` did. */
export type MarksOutcome =
  /** The marks were cleared: the entry is free, or its process is dead, or it is not the owner role. */
  | 'cleared'
  /** A live process of the owner role holds the entry: the marks are its own; nothing done. */
  | 'owned'
  /** Another live process is claiming, freeing or reaping the entry right now: retry later. */
  | 'busy';

export type ParticipantRole = 'creator' | 'attacher' | 'producer' | 'consumer' | 'observer';
export const ROLE_CODES: Readonly<Record<ParticipantRole, number>> = Object.freeze({
  creator: 1,
  attacher: 2,
  producer: 3,
  consumer: 4,
  observer: 5,
});

function roleName(code: number): ParticipantRole | 'unknown' {
  for (const [name, value] of Object.entries(ROLE_CODES)) if (value === code) return name as ParticipantRole;
  return 'unknown';
}

export interface ParticipantInfo {
  readonly index: number;
  readonly role: ParticipantRole | 'unknown';
  readonly pid: number;
  readonly startTime: number;
  readonly alive: boolean;
}

export class ParticipantTable {
  readonly #words: Int32Array;
  readonly capacity: number;

  /** `words` covers exactly capacity * 16 i32 (made once at attach). */
  constructor(words: Int32Array) {
    this.#words = words;
    this.capacity = Math.floor(words.length / PARTICIPANT_WORDS);
  }

  #identityAt(base: number): ProcessIdentity {
    const w = this.#words;
    const pid = Atomics.load(w, base + 2) >>> 0;
    const lo = Atomics.load(w, base + 3) >>> 0;
    const hi = Atomics.load(w, base + 4) >>> 0;
    return { pid, startTime: hi * 2 ** 32 + lo };
  }

  #identityIsAlive(base: number): boolean {
    return isAlive(this.#identityAt(base));
  }

  /** Zeroes every word but the state and the marks lock. */
  #clearWords(base: number): void {
    const w = this.#words;
    for (let i = 1; i < PARTICIPANT_WORDS; i++) if (i !== W_MARKS_LOCK) Atomics.store(w, base + i, 0);
  }

  #fill(base: number, role: ParticipantRole, who: ProcessIdentity): void {
    const w = this.#words;
    this.#clearWords(base);
    Atomics.store(w, base + W_ROLE, ROLE_CODES[role]);
    Atomics.store(w, base + W_PID, who.pid | 0);
    Atomics.store(w, base + W_START_LO, who.startTime % 2 ** 32 | 0);
    Atomics.store(w, base + W_START_HI, Math.floor(who.startTime / 2 ** 32) | 0);
    Atomics.store(w, base + W_STATE, ACTIVE);
  }

  /**
   * Claims the entry at `base` (state `expected` -> -pid) unless a live process holds its marks
   * lock; then the entry is given back unchanged and false returned.
   */
  #claim(base: number, expected: number): boolean {
    const w = this.#words;
    const claim = -process.pid;
    if (Atomics.compareExchange(w, base + W_STATE, expected, claim) !== expected) return false;
    const holder = Atomics.load(w, base + W_MARKS_LOCK);
    if (holder === 0) return true;
    if (!pidAlive(holder) && Atomics.compareExchange(w, base + W_MARKS_LOCK, holder, 0) === holder) return true;
    Atomics.store(w, base + W_STATE, expected);
    return false;
  }

  /**
   * State `state` of the entry at `base` is a claim by a process that died. If the identity
   * words still name a live process, the claimer died inside a re-check of a live entry (it
   * claims, finds the owner alive, gives the entry back): give it back for it (-> active) and
   * return true. A claimer that died while filling or freeing leaves zeros, its own identity or
   * a dead one there, never a live one.
   */
  #restoreLiveOwner(base: number, state: number): boolean {
    if (!this.#identityIsAlive(base)) return false;
    Atomics.compareExchange(this.#words, base + W_STATE, state, ACTIVE);
    return true;
  }

  /**
   * Whose claim `state` is: 'live' or 'dead' for a claim by another process (a live one lasts
   * microseconds), undefined when it is not another process's claim. One /proc read.
   */
  static #claimer(state: number): 'live' | 'dead' | undefined {
    if (state >= 0 || state === -process.pid) return undefined;
    return pidAlive(-state) ? 'live' : 'dead';
  }

  /**
   * Claims a free entry (or the entry of a dead participant when none is free) and returns its
   * index. Throws ERR_DATABLOCK_PARTICIPANTS_FULL when every entry belongs to a live process.
   */
  register(role: ParticipantRole, who: ProcessIdentity, ctx: { kind: ObjectKind; name: string }): number {
    const w = this.#words;
    // Entries another live process is claiming or reaping are skipped for the moment; when that
    // is all that stands in the way, look again for a short, bounded time before saying full.
    const contendedUntil = performance.now() + CONTENDED_RETRY_MS;
    for (;;) {
      let contended = false;
      for (let i = 0; i < this.capacity; i++) {
        const base = i * PARTICIPANT_WORDS;
        if (Atomics.load(w, base + W_STATE) !== FREE) continue;
        if (this.#claim(base, FREE)) {
          this.#fill(base, role, who);
          return i;
        }
        contended = true;
      }
      // No free entry: take one whose process is dead (active, or left mid-claim).
      for (let i = 0; i < this.capacity; i++) {
        const base = i * PARTICIPANT_WORDS;
        const state = Atomics.load(w, base + W_STATE);
        if (state === ACTIVE) {
          if (this.#identityIsAlive(base)) continue;
          if (!this.#claim(base, ACTIVE)) {
            contended = true;
            continue;
          }
          // The entry may have changed hands between the check and the claim; under our claim
          // its identity is stable, so check again.
          if (this.#identityIsAlive(base)) {
            Atomics.store(w, base + W_STATE, ACTIVE);
            continue;
          }
        } else {
          const claimer = ParticipantTable.#claimer(state);
          if (claimer === 'live') contended = true;
          if (claimer !== 'dead' || this.#restoreLiveOwner(base, state)) continue;
          if (!this.#claim(base, state)) {
            contended = true;
            continue;
          }
        }
        this.#fill(base, role, who);
        return i;
      }
      if (!contended || performance.now() > contendedUntil) break;
    }
    throw new DataBlockError(
      'ERR_DATABLOCK_PARTICIPANTS_FULL',
      `${ctx.kind} '${ctx.name}' already has ${this.capacity} live participants: close some, or create it with a larger maxParticipants`,
      { name: ctx.name, kind: ctx.kind },
    );
  }

  /**
   * Frees entry `index` if it still belongs to `who` (a reclaimed entry is left alone). `who` may
   * be another, dead process (cleanup of dead participants). Returns false only when another
   * live process kept a claim on the entry past the bound: the entry is still `who`'s then (it
   * becomes a dead process's entry, reclaimable, once `who` has exited; or call again).
   */
  unregister(index: number, who: ProcessIdentity): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) return true;
    const w = this.#words;
    const base = index * PARTICIPANT_WORDS;
    const isWho = (): boolean => {
      const id = this.#identityAt(base);
      return id.pid === who.pid && id.startTime === who.startTime;
    };
    const contendedUntil = performance.now() + CONTENDED_RETRY_MS;
    for (;;) {
      const state = Atomics.load(w, base + W_STATE);
      if (state === ACTIVE) {
        if (!isWho()) return true;
        if (Atomics.compareExchange(w, base + W_STATE, ACTIVE, -process.pid) === ACTIVE) break;
      } else {
        const claimer = ParticipantTable.#claimer(state);
        if (claimer === undefined) return true; // free, or not a claim we can wait for: not who's any more
        // A dead claimer died inside a re-check: give the entry back to its live owner, if any.
        if (claimer === 'dead' && !this.#restoreLiveOwner(base, state)) return true;
        if (claimer === 'live' && performance.now() > contendedUntil) return false;
      }
    }
    // Under our claim the identity is stable: it may have changed hands before the claim.
    if (!isWho()) {
      Atomics.store(w, base + W_STATE, ACTIVE);
      return true;
    }
    this.#clearWords(base);
    Atomics.store(w, base + W_STATE, FREE);
    return true;
  }

  /**
   * Runs `clear()` (which clears the protocol marks carrying index `index`, e.g. reader bits)
   * while holding the entry's marks lock, unless the entry belongs to a live process of role
   * `ownerRole` (the marks are then its own) or another live process is changing the entry. No
   * process can claim the entry while the lock is held, so the marks cleared are never a
   * newcomer's. An index outside the table (a corrupt word) belongs to nobody: cleared at once.
   * See MarksOutcome.
   */
  clearMarksIfAbandoned(index: number, ownerRole: ParticipantRole, clear: () => void): MarksOutcome {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) {
      clear();
      return 'cleared';
    }
    const w = this.#words;
    const base = index * PARTICIPANT_WORDS;
    const me = process.pid;
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
        if (Atomics.load(w, base + W_ROLE) === ROLE_CODES[ownerRole] && this.#identityIsAlive(base)) return 'owned';
      } else if (claimer === 'live') {
        // Being claimed or freed: a new consumer clears stale marks of its index itself, and a
        // leaving one cleared its own before freeing.
        return 'busy';
      }
      clear();
      return 'cleared';
    } finally {
      Atomics.compareExchange(w, base + W_MARKS_LOCK, me, 0);
    }
  }

  /** Entry `index` when active (reads /proc for its liveness), else undefined. */
  entry(index: number): ParticipantInfo | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) return undefined;
    const w = this.#words;
    const base = index * PARTICIPANT_WORDS;
    if (Atomics.load(w, base) !== ACTIVE) return undefined;
    const id = this.#identityAt(base);
    return Object.freeze({ index, role: roleName(Atomics.load(w, base + 1)), pid: id.pid, startTime: id.startTime, alive: isAlive(id) });
  }

  /** The raw table (Atomics only): the slot protocol owns words 6..15 of each entry. */
  get words(): Int32Array {
    return this.#words;
  }

  /** Active entries with their liveness (reads /proc for each). */
  list(): ParticipantInfo[] {
    const out: ParticipantInfo[] = [];
    const w = this.#words;
    for (let i = 0; i < this.capacity; i++) {
      const base = i * PARTICIPANT_WORDS;
      if (Atomics.load(w, base) !== ACTIVE) continue;
      const id = this.#identityAt(base);
      out.push(Object.freeze({ index: i, role: roleName(Atomics.load(w, base + 1)), pid: id.pid, startTime: id.startTime, alive: isAlive(id) }));
    }
    return out;
  }
}
