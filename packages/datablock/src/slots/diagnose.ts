import type { BlockLayout } from '../layout/validate.js';
import { PARTICIPANT_WORDS, type ParticipantTable } from '../participants.js';
import {
  CONTROL_WORDS, C_LENGTH, C_PENDING_HI, C_PENDING_LO, C_READERS_HI, C_READERS_LO, C_SEQ_LO, C_STATE, C_WRITER,
  P_POS_LO, STATE_NAMES, WRITING, S_EOS, S_PRODUCER, S_SYNC_ACTIVE_HI, S_SYNC_ACTIVE_LO, S_WRITE_SEQ_LO,
} from './constants.js';
import { bitsOf, type SlotContext } from './context.js';
import type { ConsumerDiagnosis, Diagnosis, OwnerInfo, SlotDiagnosis } from './recovery.js';
import { read64 } from './seq64.js';

function owner(ctx: { table: ParticipantTable }, p: number): OwnerInfo {
  const e = ctx.table.entry(p);
  return Object.freeze({ participant: p, pid: e?.pid ?? 0, alive: e?.alive === true });
}

/** Read-only views a diagnosis needs (Atomics.load only: works on a read-only mapping). */
export interface DiagnoseViews {
  readonly layout: BlockLayout;
  readonly state: Int32Array;
  readonly control: Int32Array;
  readonly table: ParticipantTable;
}

export function diagnose(ctx: SlotContext): Diagnosis {
  return diagnoseViews({ layout: ctx.layout, state: ctx.state, control: ctx.control, table: ctx.table });
}

export function diagnoseViews(ctx: DiagnoseViews): Diagnosis {
  const c = ctx.control;
  const s = ctx.state;
  const slotCount = ctx.layout.slotCount;
  const pwords = ctx.table.words;
  const sync = ctx.layout.policy === 'sequential-sync';
  const slots: SlotDiagnosis[] = [];
  for (let i = 0; i < slotCount; i++) {
    const b = i * CONTROL_WORDS;
    const st = Atomics.load(c, b + C_STATE);
    const w = Atomics.load(c, b + C_WRITER);
    const pl = Atomics.load(c, b + C_PENDING_LO);
    const ph = Atomics.load(c, b + C_PENDING_HI);
    slots.push(Object.freeze({
      index: i,
      state: STATE_NAMES[st] ?? 'FREE',
      slotId: read64(c, b + C_SEQ_LO),
      length: Atomics.load(c, b + C_LENGTH),
      pending: (pl | ph) !== 0,
      pendingReaders: sync ? bitsOf(pl, ph).map((p) => owner(ctx, p)) : [],
      writer: st === WRITING && w !== 0 ? owner(ctx, w - 1) : null,
      readers: bitsOf(Atomics.load(c, b + C_READERS_LO), Atomics.load(c, b + C_READERS_HI)).map((p) => owner(ctx, p)),
    }));
  }
  const participants = ctx.table.list();
  const activeLo = Atomics.load(s, S_SYNC_ACTIVE_LO);
  const activeHi = Atomics.load(s, S_SYNC_ACTIVE_HI);
  const consumers = participants.filter((p) => p.role === 'consumer').map((p): ConsumerDiagnosis => {
    const base = p.index * PARTICIPANT_WORDS;
    const held = slots.find((sl) => sl.readers.some((r) => r.participant === p.index));
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
    slotCount,
    slotSize: ctx.layout.slotSize,
    nextSlotId: read64(s, S_WRITE_SEQ_LO),
    endOfStream: Atomics.load(s, S_EOS) === 1,
    producer: prod === 0 ? null : owner(ctx, prod - 1),
    consumers,
    slots,
    participants,
  });
}

