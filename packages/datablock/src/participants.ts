import { DataBlockError, type ObjectKind } from './errors.js';
import { isAlive, type ProcessIdentity } from './liveness.js';

/**
 * Participants table: `capacity` entries of 64 bytes (16 x i32), accessed with Atomics on an
 * Int32Array made once over the table.
 *   word 0  state      0 free, 1 being claimed/changed, 2 active (stored last, release)
 *   word 1  role       see ROLE_CODES
 *   word 2  pid
 *   word 3  startTime low 32 bits   (field 22 of /proc/<pid>/stat)
 *   word 4  startTime high 32 bits
 *   word 5  reserved, 0
 *   words 6..15  owned by the slot protocol (e.g. a consumer's position); zeroed on register
 */
export const PARTICIPANT_WORDS = 16;
export const PROTOCOL_WORDS_START = 6;

const FREE = 0;
const BUSY = 1;
const ACTIVE = 2;

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

  #fill(base: number, role: ParticipantRole, who: ProcessIdentity): void {
    const w = this.#words;
    for (let i = 1; i < PARTICIPANT_WORDS; i++) Atomics.store(w, base + i, 0);
    Atomics.store(w, base + 1, ROLE_CODES[role]);
    Atomics.store(w, base + 2, who.pid | 0);
    Atomics.store(w, base + 3, who.startTime % 2 ** 32 | 0);
    Atomics.store(w, base + 4, Math.floor(who.startTime / 2 ** 32) | 0);
    Atomics.store(w, base, ACTIVE);
  }

  /**
   * Claims a free entry (or the entry of a dead participant when none is free) and returns its
   * index. Throws ERR_DATABLOCK_PARTICIPANTS_FULL when every entry belongs to a live process.
   */
  register(role: ParticipantRole, who: ProcessIdentity, ctx: { kind: ObjectKind; name: string }): number {
    const w = this.#words;
    for (let i = 0; i < this.capacity; i++) {
      const base = i * PARTICIPANT_WORDS;
      if (Atomics.compareExchange(w, base, FREE, BUSY) === FREE) {
        this.#fill(base, role, who);
        return i;
      }
    }
    for (let i = 0; i < this.capacity; i++) {
      const base = i * PARTICIPANT_WORDS;
      if (Atomics.load(w, base) !== ACTIVE || isAlive(this.#identityAt(base))) continue;
      if (Atomics.compareExchange(w, base, ACTIVE, BUSY) === ACTIVE) {
        this.#fill(base, role, who);
        return i;
      }
    }
    throw new DataBlockError(
      'ERR_DATABLOCK_PARTICIPANTS_FULL',
      `${ctx.kind} '${ctx.name}' already has ${this.capacity} live participants: close some, or create it with a larger maxParticipants`,
      { name: ctx.name, kind: ctx.kind },
    );
  }

  /** Frees entry `index` if it still belongs to `who` (a reclaimed entry is left alone). */
  unregister(index: number, who: ProcessIdentity): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.capacity) return;
    const w = this.#words;
    const base = index * PARTICIPANT_WORDS;
    if (Atomics.load(w, base) !== ACTIVE) return;
    const id = this.#identityAt(base);
    if (id.pid !== who.pid || id.startTime !== who.startTime) return;
    if (Atomics.compareExchange(w, base, ACTIVE, BUSY) !== ACTIVE) return;
    for (let i = 1; i < PARTICIPANT_WORDS; i++) Atomics.store(w, base + i, 0);
    Atomics.store(w, base, FREE);
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
