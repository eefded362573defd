import { isAlive, pidAlive, selfIdentity, type ProcessIdentity } from './identity.js';

/**
 * One participant entry: its words (16 x i32, Atomics only; LAYOUT.md "Participants table"),
 * roles, tokens, and the entry-level reads the table builds on (identity, whose claim a state is).
 *   0 state: 0 free, 2 active (stored last), -tid: being claimed or freed by thread tid
 *   1 role   2 pid   3 tid   4, 5 start time lo/hi (of the thread)
 *   6 marks lock: 0, or the tid of a thread clearing marks that carry this entry's index
 *   7 generation: +1 (mod 2^16) each time the entry is filled; never zeroed
 *   8..15 owned by the slot protocol, zeroed on register
 * A token names one registration: (generation << 13) | (index + 1).
 */
export const PARTICIPANT_WORDS = 16;
export const PROTOCOL_WORDS_START = 8;
export const FREE = 0;
export const ACTIVE = 2;
export const W_STATE = 0;
export const W_ROLE = 1;
const W_PID = 2;
const W_TID = 3;
const W_START_LO = 4;
const W_START_HI = 5;
export const W_MARKS_LOCK = 6;
export const W_GEN = 7;
const INDEX_BITS = 13;

export type ParticipantRole = 'creator' | 'attacher' | 'producer' | 'consumer' | 'observer';
export const ROLE_CODES: Readonly<Record<ParticipantRole, number>> = Object.freeze({ creator: 1, attacher: 2, producer: 3, consumer: 4, observer: 5 });

export function roleName(code: number): ParticipantRole | 'unknown' {
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
export const generationAt = (w: Int32Array, base: number): number => Atomics.load(w, base + W_GEN) & 0xffff;
export const tokenAt = (w: Int32Array, index: number): number => (generationAt(w, index * PARTICIPANT_WORDS) << INDEX_BITS) | (index + 1);

export const myTid = (): number => selfIdentity().tid ?? process.pid;

export function identityAt(w: Int32Array, base: number): Required<ProcessIdentity> {
  const lo = Atomics.load(w, base + W_START_LO) >>> 0;
  return { pid: Atomics.load(w, base + W_PID) >>> 0, tid: Atomics.load(w, base + W_TID) >>> 0, startTime: (Atomics.load(w, base + W_START_HI) >>> 0) * 2 ** 32 + lo };
}

export const identityIsAlive = (w: Int32Array, base: number): boolean => isAlive(identityAt(w, base));

/** Zeroes every word but the state, the marks lock and the generation. */
export function clearWords(w: Int32Array, base: number): void {
  for (let i = 1; i < PARTICIPANT_WORDS; i++) if (i !== W_MARKS_LOCK && i !== W_GEN) Atomics.store(w, base + i, 0);
}

/** Fills a claimed entry for `who` (generation + 1) and publishes it (state 2, stored last). */
export function fill(w: Int32Array, base: number, role: ParticipantRole, who: ProcessIdentity): void {
  clearWords(w, base);
  Atomics.store(w, base + W_ROLE, ROLE_CODES[role]);
  Atomics.store(w, base + W_PID, who.pid | 0);
  Atomics.store(w, base + W_TID, (who.tid ?? who.pid) | 0);
  Atomics.store(w, base + W_START_LO, who.startTime % 2 ** 32 | 0);
  Atomics.store(w, base + W_START_HI, Math.floor(who.startTime / 2 ** 32) | 0);
  Atomics.store(w, base + W_GEN, (Atomics.load(w, base + W_GEN) + 1) & 0xffff);
  Atomics.store(w, base + W_STATE, ACTIVE);
}

/** Whose claim `state` is: another thread's 'live' or 'dead' claim, else undefined. */
export function claimer(state: number): 'live' | 'dead' | undefined {
  if (state >= 0 || state === -myTid()) return undefined;
  return pidAlive(-state) ? 'live' : 'dead';
}

/**
 * `state` is a claim by a thread that died. If the identity words still name a live thread,
 * the claimer died inside a re-check of a live entry: give the entry back to it (-> active).
 */
export function restoreLiveOwner(w: Int32Array, base: number, state: number): boolean {
  if (!identityIsAlive(w, base)) return false;
  Atomics.compareExchange(w, base + W_STATE, state, ACTIVE);
  return true;
}
