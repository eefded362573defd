// inspectSegment / listSegments: read-only reports of a segment (header, mutex, participants, slots).
import { readdirSync } from 'node:fs';
import { DataBlockError, type DataBlockErrorCode, type ObjectKind } from '../errors.js';
import { MUTEX_GENERATION_OFFSET, MUTEX_RECORD_SIZE, MUTEX_WAITERS_OFFSET, PARTICIPANT_STRIDE } from '../layout/constants.js';
import { validateBlockHeader, validateMutexHeader, type BlockLayout, type MutexLayout } from '../layout/validate.js';
import { isAlive, readStartTime } from '../participants/identity.js';
import { decodeMutexWord, type MutexState } from '../mutex/robust-mutex.js';
import { SHM_DIR, parseShmFileName, validateName } from '../names.js';
import { native } from '../native.js';
import { ParticipantTable, type ParticipantInfo } from '../participants/table.js';
import { openSegment } from '../segment.js';
import { diagnoseViews } from '../slots/diagnose.js';
import type { Diagnosis } from '../slots/recovery.js';
import { CONTROL_STRIDE } from '../layout/constants.js';

export interface SegmentSummary {
  name: string;
  kind: ObjectKind;
  /** The file in /dev/shm. */
  file: string;
  /** Bytes (from the header when valid). */
  size: number;
  valid: boolean;
  error?: { code: DataBlockErrorCode | string; message: string };
  creatorPid?: number;
  creatorAlive?: boolean;
  /** Live registered participants. */
  liveParticipants: number;
  /** Whether anything suggests a live user (creator, participant, or a live mutex owner). */
  inUse: boolean;
}

export interface SegmentReport extends SegmentSummary {
  layout?: BlockLayout | MutexLayout;
  participants: ParticipantInfo[];
  mutex?: MutexState & { ownerAlive: boolean };
  /** DataBlocks: slot states, owners, readers, producer and consumers (read-only). */
  slots?: Diagnosis;
}

/** Whether a thread id (the mutex owner) exists and is not a zombie. */
function tidExists(tid: number): boolean {
  const startTime = readStartTime(tid);
  return startTime !== undefined && isAlive({ pid: tid, startTime });
}

/**
 * Reads one segment READ-ONLY (never writes, never locks): header, participants and the robust
 * futex word of its mutex via Atomics.load.
 */
export function inspectSegment(name: string, kind: ObjectKind = 'DataBlock'): SegmentReport {
  validateName(name, kind);
  const file = `${SHM_DIR}/${kind === 'DataBlock' ? 'plh.' : 'plh.mutex.'}${name}`;
  const base = { name, kind, file, liveParticipants: 0, participants: [] as ParticipantInfo[] };
  let segment;
  try {
    segment = openSegment(kind, name, { timeoutMs: 0, writable: false });
  } catch (error) {
    const e = error as DataBlockError;
    if (e.code === 'ERR_DATABLOCK_NOT_FOUND' || e.code === 'ERR_DATABLOCK_WRONG_KIND' || e.code === 'ERR_DATABLOCK_PERMISSION_DENIED') throw error;
    return { ...base, size: 0, valid: false, error: { code: e.code ?? 'ERR_DATABLOCK_SYSTEM', message: e.message }, inUse: false };
  }
  try {
    const ctx = { kind, name };
    let layout: BlockLayout | MutexLayout;
    try {
      layout = kind === 'DataBlock'
        ? validateBlockHeader(segment.header, segment.size, native.pthreadMutexSize, ctx)
        : validateMutexHeader(segment.header, segment.size, native.pthreadMutexSize, ctx);
    } catch (error) {
      const e = error as DataBlockError;
      return { ...base, size: segment.size, valid: false, error: { code: e.code, message: e.message }, inUse: false };
    }
    const m = segment.mapping;
    const table = new ParticipantTable(new Int32Array(m.buffer(layout.participantsOffset, layout.participantCapacity * PARTICIPANT_STRIDE)));
    const participants = table.list();
    let slots: Diagnosis | undefined;
    if (kind === 'DataBlock') {
      const bl = layout as BlockLayout;
      slots = diagnoseViews({
        layout: bl,
        table,
        state: new Int32Array(m.buffer(bl.stateOffset, bl.stateSize)),
        control: new Int32Array(m.buffer(bl.controlOffset, bl.slotCount * CONTROL_STRIDE)),
      });
    }
    const words = new Int32Array(m.buffer(layout.mutexOffset, MUTEX_RECORD_SIZE));
    const state = decodeMutexWord(Atomics.load(words, 0), Atomics.load(words, 2), Atomics.load(words, MUTEX_GENERATION_OFFSET / 4), Atomics.load(words, MUTEX_WAITERS_OFFSET / 4));
    const ownerAlive = state.locked && tidExists(state.ownerTid);
    const creatorAlive = isAlive({ pid: layout.creatorPid, startTime: layout.creatorStartTime });
    const liveParticipants = participants.filter((p) => p.alive).length;
    return {
      ...base,
      size: layout.segmentSize,
      valid: true,
      creatorPid: layout.creatorPid,
      creatorAlive,
      liveParticipants,
      inUse: creatorAlive || liveParticipants > 0 || ownerAlive,
      layout,
      participants,
      mutex: { ...state, ownerAlive },
      ...(slots === undefined ? {} : { slots }),
    };
  } finally {
    segment.mapping.close();
  }
}

/** Our segments in /dev/shm (files starting with 'plh.'; user names starting with `prefix`), each summarised read-only. */
export function listSegments(prefix?: string): SegmentSummary[] {
  let files: string[];
  try {
    files = readdirSync(SHM_DIR);
  } catch {
    return [];
  }
  const out: SegmentSummary[] = [];
  for (const file of files.sort()) {
    const parsed = parseShmFileName(file);
    if (parsed === null || (prefix !== undefined && !parsed.name.startsWith(prefix))) continue;
    try {
      validateName(parsed.name, parsed.kind);
    } catch {
      continue; // not a name we could have made
    }
    try {
      const { layout: _layout, participants: _p, mutex: _m, slots: _s, ...summary } = inspectSegment(parsed.name, parsed.kind);
      out.push(summary);
    } catch (error) {
      const e = error as DataBlockError;
      out.push({ name: parsed.name, kind: parsed.kind, file: `${SHM_DIR}/${file}`, size: 0, valid: false, error: { code: e.code ?? 'ERR_DATABLOCK_SYSTEM', message: e.message }, liveParticipants: 0, inUse: true });
    }
  }
  return out;
}
