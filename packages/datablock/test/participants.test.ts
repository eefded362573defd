import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataBlock } from '../src/index.js';
import { getInternals, PARTICIPANT_WORDS } from '../src/internal.js';
import { C_READERS_LO, C_STATE, S_PRODUCER, S_SEQ_CONSUMER, WRITING, ownedState } from '../src/slots/constants.js';
import { readStartTime } from '../src/participants/identity.js';
import { expectCode, namer } from './helpers.js';

// The participants table's claim word (word 0 = -tid while a thread claims or frees an entry)
// and marks lock (word 6 = tid of a thread clearing marks of that index): see participants/table.ts.
// A reaper that found an entry abandoned must never clear the marks of a process that took the
// entry meanwhile; a registrar must never take an entry whose marks are being cleared. These
// tests set those words to real live and dead pids and check both sides of the interlock.

const names = namer('part');
const open: DataBlock[] = [];
let live: ChildProcess;
let livePid = 0;
let deadPid = 0;

beforeAll(async () => {
  live = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
  await new Promise((resolve, reject) => live.once('spawn', resolve).once('error', reject));
  livePid = live.pid!;
  const gone = spawn('true', [], { stdio: 'ignore' });
  deadPid = gone.pid!;
  await new Promise((resolve) => gone.once('exit', resolve));
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  names.cleanup();
});
afterAll(async () => {
  const exited = new Promise((resolve) => live.once('exit', resolve));
  live.kill('SIGKILL');
  await exited;
  expect(names.leftovers()).toEqual([]);
});

/** Writes entry `entry` as process `pid` (its real start time) with role code `role`, in state `state`. */
function writeEntry(words: Int32Array, entry: number, pid: number, role: number, state: number): void {
  const start = readStartTime(pid) ?? 1;
  Atomics.store(words, STATE(entry) + 1, role);
  Atomics.store(words, STATE(entry) + 2, pid);
  Atomics.store(words, STATE(entry) + 3, pid);
  Atomics.store(words, STATE(entry) + 4, start % 2 ** 32);
  Atomics.store(words, STATE(entry) + 5, Math.floor(start / 2 ** 32));
  Atomics.store(words, STATE(entry), state);
}
const CONSUMER = 4;
const PRODUCER = 3;

function make(maxParticipants: number, policy: 'latest-only' | 'sequential' = 'latest-only'): { block: DataBlock; words: Int32Array; control: Int32Array; state: Int32Array } {
  const block = DataBlock.create(names.next(), { slotCount: 2, slotSize: 16, policy, maxParticipants });
  open.push(block);
  const i = getInternals(block);
  return { block, words: i.participants.words, control: i.control, state: i.state };
}
const STATE = (entry: number) => entry * PARTICIPANT_WORDS;
const LOCK = (entry: number) => entry * PARTICIPANT_WORDS + 6;

describe('participant entries: claims and the marks lock', () => {
  it('register never takes an entry whose marks lock a live process holds, and takes over a lock left by a dead one', () => {
    const { block, words } = make(4); // entry 0: the creator
    Atomics.store(words, LOCK(1), livePid);
    const first = block.consumer();
    expect(first.participantIndex).toBe(2);
    expect(Atomics.load(words, STATE(1))).toBe(0); // given back untouched
    expect(Atomics.load(words, LOCK(1))).toBe(livePid);
    first.close();

    Atomics.store(words, LOCK(1), deadPid);
    const second = block.consumer();
    expect(second.participantIndex).toBe(1);
    expect(Atomics.load(words, LOCK(1))).toBe(0);
    second.close();
    expect(Atomics.load(words, STATE(1))).toBe(0);
  });

  it('register takes over an entry left mid-claim by a dead process, never one a live process is claiming', () => {
    const { block, words } = make(3);
    Atomics.store(words, STATE(1), -livePid);
    Atomics.store(words, STATE(2), -deadPid);
    const c = block.consumer();
    expect(c.participantIndex).toBe(2);
    expectCode(() => block.consumer(), 'ERR_DATABLOCK_PARTICIPANTS_FULL');
    expect(Atomics.load(words, STATE(1))).toBe(-livePid);
    Atomics.store(words, STATE(1), 0);
  });

  it('a reaper leaves the marks of an entry a live process is claiming or reaping, and clears those of a dead claim', () => {
    const { block, words, control } = make(4);
    const bit = 1 << 1;
    Atomics.or(control, C_READERS_LO, bit); // slot 0 held by participant 1

    Atomics.store(words, STATE(1), -livePid); // a live newcomer is claiming entry 1
    expect(block.releaseZombieReaders()).toEqual({ released: [] });
    expect(Atomics.load(control, C_READERS_LO) & bit).toBe(bit);
    expectCode(() => block.releaseZombieReaders({ participants: [1] }), 'ERR_DATABLOCK_OWNER_ALIVE');

    Atomics.store(words, STATE(1), 0);
    Atomics.store(words, LOCK(1), livePid); // another live process is clearing them right now
    expect(block.releaseZombieReaders()).toEqual({ released: [] });
    expect(Atomics.load(control, C_READERS_LO) & bit).toBe(bit);

    Atomics.store(words, LOCK(1), 0);
    Atomics.store(words, STATE(1), -deadPid); // the claimer died mid-claim
    expect(block.releaseZombieReaders()).toMatchObject({ released: [{ participant: 1, readerMarks: 1 }] });
    expect(Atomics.load(control, C_READERS_LO) & bit).toBe(0);
    expect(Atomics.load(words, LOCK(1))).toBe(0); // released after clearing
    Atomics.store(words, STATE(1), 0);
  });

  it('a live consumer that took a dead consumer\'s entry clears the stale marks and keeps its own', () => {
    const { block, words, control } = make(3);
    const p = block.producer(); // entry 1
    // Entry 2: a dead consumer (pid + start time of no live process) still marked on slot 1.
    Atomics.store(words, STATE(2) + 1, 4); // role consumer
    Atomics.store(words, STATE(2) + 2, deadPid);
    Atomics.store(words, STATE(2) + 3, deadPid);
    Atomics.store(words, STATE(2) + 4, 1);
    Atomics.store(words, STATE(2), 2);
    Atomics.or(control, 16 + C_READERS_LO, 1 << 2);

    const c = block.consumer(); // the table is full: it takes the dead consumer's entry
    expect(c.participantIndex).toBe(2);
    expect(Atomics.load(control, 16 + C_READERS_LO)).toBe(0);
    p.acquireWriteSlot().commit(1);
    const r = c.acquireConsumeSlot({ timeoutMs: 5000 });
    const readers = () => Atomics.load(control, r.index * 16 + C_READERS_LO);
    expect(readers()).toBe(1 << 2);
    expect(block.releaseZombieReaders()).toEqual({ released: [] });
    expect(block.cleanupDeadConsumers()).toEqual({ removed: [] });
    expect(readers()).toBe(1 << 2);
    r.release();
    expect(readers()).toBe(0);
  });

  it('cleanup leaves the producer word of a dead producer\'s entry alone while another live process reaps it', () => {
    const { block, words, state } = make(4);
    // Entry 1: a dead producer that owns the producer word.
    Atomics.store(words, STATE(1) + 1, 3);
    Atomics.store(words, STATE(1) + 2, deadPid);
    Atomics.store(words, STATE(1) + 3, deadPid);
    Atomics.store(words, STATE(1) + 4, 1);
    Atomics.store(words, STATE(1), 2);
    Atomics.store(state, S_PRODUCER, 2);
    Atomics.store(words, LOCK(1), livePid);
    expect(block.cleanupDeadConsumers()).toEqual({ removed: [] });
    expect(Atomics.load(state, S_PRODUCER)).toBe(2);
    Atomics.store(words, LOCK(1), 0);
    expect(block.cleanupDeadConsumers()).toMatchObject({ removed: [{ participant: 1, pid: deadPid, role: 'producer' }] });
    expect(Atomics.load(state, S_PRODUCER)).toBe(0);
    expect(Atomics.load(words, STATE(1))).toBe(0);
  });

  it('a claim left by a process that died while re-checking a live entry goes back to that live owner: never taken, reaped or reclaimed', () => {
    const { block, words, control, state } = make(3);
    // Entry 1 is a live consumer; a process that claimed it to re-check it died before giving it back.
    writeEntry(words, 1, livePid, CONSUMER, -deadPid);
    Atomics.or(control, C_READERS_LO, 1 << 1);
    const other = block.consumer(); // takes the free entry 2, not entry 1
    expect(other.participantIndex).toBe(2);
    expectCode(() => block.consumer(), 'ERR_DATABLOCK_PARTICIPANTS_FULL');
    expect(Atomics.load(words, STATE(1))).toBe(2); // given back to its live owner
    Atomics.store(words, STATE(1), -deadPid);
    expect(block.releaseZombieReaders()).toEqual({ released: [] });
    expect(Atomics.load(control, C_READERS_LO) & (1 << 1)).toBe(1 << 1);
    expect(Atomics.load(words, STATE(1))).toBe(2);
    other.close();

    // The same for a live producer: its claim on the producer word and its WRITING slot stay.
    writeEntry(words, 1, livePid, PRODUCER, -deadPid);
    Atomics.store(state, S_PRODUCER, 2);
    expectCode(() => block.producer(), 'ERR_DATABLOCK_PRODUCER_EXISTS');
    expect(Atomics.load(state, S_PRODUCER)).toBe(2);
    Atomics.store(words, STATE(1), -deadPid);
    Atomics.store(control, C_STATE, ownedState(WRITING, 2)); // token of entry 1, generation 0
    expectCode(() => block.forceReclaimSlot(0), 'ERR_DATABLOCK_OWNER_ALIVE');
    expect(Atomics.load(control, C_STATE)).toBe(ownedState(WRITING, 2));
    // Once that producer is dead, both are taken over.
    writeEntry(words, 1, deadPid, PRODUCER, 2);
    expect(block.forceReclaimSlot(0)).toMatchObject({ action: 'freed' });
    const p = block.producer();
    expect(Atomics.load(state, S_PRODUCER)).toBe(getInternals(block).participants.tokenOf(p.participantIndex));
  });

  it('a sequential-consumer word naming no entry at all (corrupt) is cleared, not waited on', () => {
    for (const bad of [1000, -5]) {
      const { block, state } = make(4, 'sequential');
      Atomics.store(state, S_SEQ_CONSUMER, bad);
      const c = block.consumer();
      expect(Atomics.load(state, S_SEQ_CONSUMER)).toBe(getInternals(block).participants.tokenOf(c.participantIndex));
    }
  });
});
