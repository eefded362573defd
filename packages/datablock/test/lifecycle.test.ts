import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataBlock } from '../src/index.js';
import { getInternals, PARTICIPANT_WORDS, type ParticipantTable } from '../src/internal.js';
import { readStartTime } from '../src/participants/identity.js';
import { namer } from './helpers.js';

// Conformance suite of the participant lifecycle (src/participants/): every Outcome of
// table.check(token, role) and table.reap(index, role, clear), with real identities written into
// the shared words: a live process, a dead one, a live worker thread and a terminated one.

const names = namer('life');
const open: DataBlock[] = [];
let live: ChildProcess;
let livePid = 0;
let deadPid = 0;
let threadTid = 0; // a live worker thread of this process
let goneTid = 0; // a worker thread of this process that has exited
let thread: Worker;

function startThread(): Promise<{ worker: Worker; tid: number }> {
  const worker = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:fs').readlinkSync('/proc/thread-self')); setInterval(() => {}, 1 << 30);", { eval: true });
  return new Promise((resolve, reject) => {
    worker.once('message', (link: string) => resolve({ worker, tid: Number(link.split('/')[2]) }));
    worker.once('error', reject);
  });
}

beforeAll(async () => {
  live = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
  await new Promise((resolve, reject) => live.once('spawn', resolve).once('error', reject));
  livePid = live.pid!;
  const gone = spawn('true', [], { stdio: 'ignore' });
  deadPid = gone.pid!;
  await new Promise((resolve) => gone.once('exit', resolve));
  ({ worker: thread, tid: threadTid } = await startThread());
  const short = await startThread();
  goneTid = short.tid;
  await short.worker.terminate();
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  names.cleanup();
});
afterAll(async () => {
  await thread.terminate();
  const exited = new Promise((resolve) => live.once('exit', resolve));
  live.kill('SIGKILL');
  await exited;
  expect(names.leftovers()).toEqual([]);
});

const W = (entry: number, word: number): number => entry * PARTICIPANT_WORDS + word;
const ROLE = { producer: 3, consumer: 4 } as const;

/** Writes entry `e` as (pid, tid) with that thread's real start time, role, generation, state. */
function writeEntry(words: Int32Array, e: number, who: { pid: number; tid?: number }, role: number, state = 2): void {
  const tid = who.tid ?? who.pid;
  const start = readStartTime(who.pid, tid) ?? readStartTime(tid) ?? 1;
  Atomics.store(words, W(e, 1), role);
  Atomics.store(words, W(e, 2), who.pid);
  Atomics.store(words, W(e, 3), tid);
  Atomics.store(words, W(e, 4), start % 2 ** 32);
  Atomics.store(words, W(e, 5), Math.floor(start / 2 ** 32));
  Atomics.store(words, W(e, 0), state);
}

function table(): { table: ParticipantTable; words: Int32Array } {
  const block = DataBlock.create(names.next(), { slotCount: 2, slotSize: 16, policy: 'latest-only', maxParticipants: 8 });
  open.push(block);
  const t = getInternals(block).participants;
  return { table: t, words: t.words };
}

describe('check(token, role): alive, dead or busy', () => {
  it('alive: an active entry of that role and generation whose thread lives (a process, a worker thread)', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: livePid }, ROLE.producer);
    writeEntry(words, 2, { pid: process.pid, tid: threadTid }, ROLE.consumer);
    expect(t.check(t.tokenOf(1), 'producer')).toBe('alive');
    expect(t.check(t.tokenOf(2), 'consumer')).toBe('alive');
    expect(t.entry(2)).toMatchObject({ pid: process.pid, tid: threadTid, alive: true });
  });

  it('dead: a dead process, a terminated worker thread of a live process, another role, a free entry, a corrupt token', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: deadPid }, ROLE.producer);
    writeEntry(words, 2, { pid: process.pid, tid: goneTid }, ROLE.producer);
    writeEntry(words, 3, { pid: livePid }, ROLE.consumer);
    expect(t.check(t.tokenOf(1), 'producer')).toBe('dead');
    expect(t.check(t.tokenOf(2), 'producer')).toBe('dead');
    expect(t.entry(2)).toMatchObject({ pid: process.pid, tid: goneTid, alive: false });
    expect(t.check(t.tokenOf(3), 'producer')).toBe('dead');
    expect(t.check(t.tokenOf(5), 'producer')).toBe('dead');
    expect(t.check(0, 'producer')).toBe('dead');
    expect(t.check(5000, 'producer')).toBe('dead');
  });

  it('dead: the entry was refilled since (a new generation), even by a live participant of the same role', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: deadPid }, ROLE.producer);
    const old = t.tokenOf(1);
    Atomics.add(words, W(1, 7), 1); // what a registration on that entry does
    writeEntry(words, 1, { pid: livePid }, ROLE.producer);
    expect(t.tokenOf(1)).not.toBe(old);
    expect(t.check(old, 'producer')).toBe('dead');
    expect(t.check(t.tokenOf(1), 'producer')).toBe('alive');
  });

  it('busy: another live thread is claiming or freeing the entry; a dead claimer of a live entry gives it back', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: livePid }, ROLE.producer, -threadTid);
    expect(t.check(t.tokenOf(1), 'producer')).toBe('busy');
    writeEntry(words, 2, { pid: livePid }, ROLE.producer, -deadPid);
    expect(t.check(t.tokenOf(2), 'producer')).toBe('busy');
    expect(Atomics.load(words, W(2, 0))).toBe(2); // given back to its live owner
    expect(t.check(t.tokenOf(2), 'producer')).toBe('alive');
    writeEntry(words, 3, { pid: deadPid }, ROLE.producer, -goneTid); // dead claimer, dead owner
    expect(t.check(t.tokenOf(3), 'producer')).toBe('dead');
    // A live registrar taking a dead participant's entry: that registration is gone, not busy
    // (crash campaign finding: forceReclaimSlot refused a dead writer's slot meanwhile).
    writeEntry(words, 4, { pid: deadPid }, ROLE.producer, -threadTid);
    expect(t.check(t.tokenOf(4), 'producer')).toBe('dead');
  });
});

describe('reap(index, role, clear): alive, busy or cleared', () => {
  const reap = (t: ParticipantTable, e: number): { outcome: string; cleared: boolean } => {
    let cleared = false;
    const outcome = t.reap(e, 'consumer', () => { cleared = true; });
    return { outcome, cleared };
  };

  it('alive: a live consumer owns its marks (process or worker thread): nothing cleared', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: livePid }, ROLE.consumer);
    writeEntry(words, 2, { pid: process.pid, tid: threadTid }, ROLE.consumer);
    expect(reap(t, 1)).toEqual({ outcome: 'alive', cleared: false });
    expect(reap(t, 2)).toEqual({ outcome: 'alive', cleared: false });
  });

  it('cleared: a dead consumer, a terminated worker thread, another role, a free entry; the lock is released after', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: deadPid }, ROLE.consumer);
    writeEntry(words, 2, { pid: process.pid, tid: goneTid }, ROLE.consumer);
    writeEntry(words, 3, { pid: livePid }, ROLE.producer);
    for (const e of [1, 2, 3, 5]) {
      expect(reap(t, e)).toEqual({ outcome: 'cleared', cleared: true });
      expect(Atomics.load(words, W(e, 6))).toBe(0);
    }
    expect(reap(t, 99)).toEqual({ outcome: 'cleared', cleared: true }); // no such entry: nobody's marks
  });

  it('busy: another live thread holds the marks lock or claims the entry; a lock or claim left by a dead thread is taken over', () => {
    const { table: t, words } = table();
    writeEntry(words, 1, { pid: deadPid }, ROLE.consumer);
    Atomics.store(words, W(1, 6), threadTid);
    expect(reap(t, 1)).toEqual({ outcome: 'busy', cleared: false });
    Atomics.store(words, W(1, 6), goneTid);
    expect(reap(t, 1)).toEqual({ outcome: 'cleared', cleared: true });
    Atomics.store(words, W(2, 0), -livePid);
    expect(reap(t, 2)).toEqual({ outcome: 'busy', cleared: false });
    Atomics.store(words, W(2, 0), -deadPid);
    expect(reap(t, 2)).toEqual({ outcome: 'cleared', cleared: true });
    Atomics.store(words, W(2, 0), 0);
  });
});

describe('register and unregister against live and dead identities', () => {
  it('register skips live entries and live claims, takes a dead thread\'s entry; unregister frees only its own', () => {
    const block = DataBlock.create(names.next(), { slotCount: 2, slotSize: 16, policy: 'latest-only', maxParticipants: 4 });
    open.push(block);
    const t = getInternals(block).participants;
    const words = t.words; // entry 0: the creator
    writeEntry(words, 1, { pid: process.pid, tid: threadTid }, ROLE.consumer);
    writeEntry(words, 2, { pid: livePid }, ROLE.consumer, -threadTid);
    writeEntry(words, 3, { pid: process.pid, tid: goneTid }, ROLE.consumer);
    const c = block.consumer();
    expect(c.participantIndex).toBe(3); // the terminated thread's entry
    expect(t.entry(3)).toMatchObject({ tid: Number(readlinkSync('/proc/thread-self').split('/')[2]), alive: true });
    expect(Atomics.load(words, W(2, 0))).toBe(-threadTid); // a live claim is never taken
    expect(t.unregister(1, { pid: process.pid, tid: goneTid, startTime: 1 })).toBe(true);
    expect(Atomics.load(words, W(1, 0))).toBe(2); // not that identity's entry: left alone
    c.close();
    expect(Atomics.load(words, W(3, 0))).toBe(0);
    Atomics.store(words, W(1, 0), 0);
    Atomics.store(words, W(2, 0), 0);
  });
});
