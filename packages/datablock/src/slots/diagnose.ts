import type { BlockLayout } from '../layout/validate.js';
import { PARTICIPANT_WORDS, type ParticipantTable } from '../participants/table.js';
import {
  CONTROL_WORDS, C_LENGTH, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, C_SEQ_LO, C_STATE,
  P_POS_LO, P_TOKEN, STATE_NAMES, S_EOS, S_PRODUCER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, S_WRITE_SEQ_LO, WRITING, ownerOf, stateOf,
} from './constants.js';
import { bitsOf } from './context.js';
import { ownerOfToken } from './recovery.js';
import type { ConsumerDiagnosis, Diagnosis, OwnerInfo, SlotDiagnosis } from './recovery-types.js';
import { read64 } from './seq64.js';

/**
 * diagnose(): slot states, owners, readers and participants with liveness. Owners are read
 * from tokens (a writer from its slot's state word, readers from the token their entry stored
 * after joining), so a dead writer or reader is never attributed to a live participant that
 * took its entry later: such a one shows as participant p, pid 0, not alive.
 */

/** Read-only views a diagnosis needs (Atomics.load only: works on a read-only mapping). */
export interface DiagnoseViews {
  readonly layout: BlockLayout;
  readonly state: Int32Array;
  readonly control: Int32Array;
  readonly table: ParticipantTable;
}

const ATTEMPTS = 3;

/** The reader token of every entry (P_TOKEN), read before and after the slots. */
function readerTokens(ctx: DiagnoseViews): number[] {
  const w = ctx.table.words;
  const out: number[] = [];
  for (let p = 0; p < ctx.table.capacity; p++) out.push(Atomics.load(w, p * PARTICIPANT_WORDS + P_TOKEN));
  return out;
}

export function diagnoseViews(ctx: DiagnoseViews): Diagnosis {
  let before = readerTokens(ctx);
  for (let attempt = 1; ; attempt++) {
    const slots = readSlots(ctx, before);
    const after = readerTokens(ctx);
    // A consumer joined or left while we read: its bits may be older or newer than its token.
    if (attempt >= ATTEMPTS || after.every((t, i) => t === before[i])) return finish(ctx, slots);
    before = after;
  }
}

function readSlots(ctx: DiagnoseViews, tokens: number[]): SlotDiagnosis[] {
  const c = ctx.control;
  const sync = ctx.layout.policy === 'sequential-sync';
  const reader = (p: number): OwnerInfo => {
    const t = tokens[p] ?? 0;
    return t === 0 ? Object.freeze({ participant: p, pid: 0, alive: false }) : ownerOfToken(ctx, t);
  };
  const slots: SlotDiagnosis[] = [];
  for (let i = 0; i < ctx.layout.slotCount; i++) {
    const b = i * CONTROL_WORDS;
    const word = Atomics.load(c, b + C_STATE);
    const pl = Atomics.load(c, b + C_PENDING_LO);
    const ph = Atomics.load(c, b + C_PENDING_HI);
    slots.push(Object.freeze({
      index: i,
      state: STATE_NAMES[stateOf(word)] ?? 'FREE',
      slotId: read64(c, b + C_SEQ_LO),
      length: Atomics.load(c, b + C_LENGTH),
      pending: (pl | ph) !== 0,
      pendingReaders: sync ? bitsOf(pl, ph).map(reader) : [],
      writer: stateOf(word) === WRITING && ownerOf(word) !== 0 ? ownerOfToken(ctx, ownerOf(word)) : null,
      readers: bitsOf(Atomics.load(c, b + C_READERS_LO), Atomics.load(c, b + C_READERS_HI)).map(reader),
    }));
  }
  return slots;
}

function finish(ctx: DiagnoseViews, slots: SlotDiagnosis[]): Diagnosis {
  const s = ctx.state;
  const sync = ctx.layout.policy === 'sequential-sync';
  const pwords = ctx.table.words;
  const participants = ctx.table.list();
  const activeLo = Atomics.load(s, S_SYNC_ACTIVE_LO);
  const activeHi = Atomics.load(s, S_SYNC_ACTIVE_HI);
  const consumers = participants.filter((p) => p.role === 'consumer').map((p): ConsumerDiagnosis => {
    const base = p.index * PARTICIPANT_WORDS;
    const held = slots.find((sl) => sl.readers.some((r) => r.participant === p.index && r.pid === p.pid));
    const active = p.index < 32 ? (activeLo >>> p.index) & 1 : p.index < 64 ? (activeHi >>> (p.index - 32)) & 1 : 0;
    return Object.freeze({
      participant: p.index, pid: p.pid, alive: p.alive,
      position: read64(pwords, base + P_POS_LO),
      heldSlot: held === undefined ? null : held.index,
      syncActive: sync && active === 1,
    });
  });
  const prod = Atomics.load(s, S_PRODUCER);
  return Object.freeze({
    policy: ctx.layout.policy,
    slotCount: ctx.layout.slotCount,
    slotSize: ctx.layout.slotSize,
    nextSlotId: read64(s, S_WRITE_SEQ_LO),
    endOfStream: Atomics.load(s, S_EOS) === 1,
    producer: prod === 0 ? null : ownerOfToken(ctx, prod),
    consumers,
    slots,
    participants,
  });
}
