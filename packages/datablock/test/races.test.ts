import { spawn } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DataBlock } from '../src/index.js';
import { getInternals, slotContext } from '../src/internal.js';
import { C_STATE, WRITING, stateOf } from '../src/slots/constants.js';
import { killChildren, namer, spawnFixture } from './helpers.js';

// The last races of the marks-lock design (issue 11, deliverable 4), with real dead processes:
// a participant entry reused by a live one must never make a dead writer or reader look alive,
// and a reclaim decided on an old read must never free the slot a new producer took since.

const names = namer('race');
let cat: ReturnType<typeof spawn>;
let catPid = 0;
beforeAll(async () => {
  cat = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
  await new Promise((resolve, reject) => cat.once('spawn', resolve).once('error', reject));
  catPid = cat.pid!;
});
afterAll(async () => {
  const exited = new Promise((resolve) => cat.once('exit', resolve));
  cat.kill('SIGKILL');
  await exited;
});
const open: DataBlock[] = [];
afterEach(async () => {
  await killChildren();
  for (const b of open.splice(0)) b.close();
  names.cleanup();
});

function make(maxParticipants: number, policy: 'latest-only' | 'sequential' = 'latest-only'): DataBlock {
  const block = DataBlock.create(names.next(), { slotCount: 2, slotSize: 16, policy, maxParticipants });
  open.push(block);
  return block;
}

/** Attaches as often as it takes for this process to hold every entry but those alive now. */
function refillDeadEntries(name: string, n: number): void {
  for (let i = 0; i < n; i++) open.push(DataBlock.attach(name));
}

describe('diagnose never attributes a dead participant to a live one that reused its entry', () => {
  it('a dead writer whose entry a live attacher took shows as not alive (pid 0), not as that attacher', async () => {
    const block = make(3); // entries: 0 creator; the child takes 1 (attacher) and 2 (producer)
    const child = spawnFixture('slots.mjs', [block.name, 'write-and-hang']);
    const [, index] = (await child.line(/^writing /)).split(' ').map(Number);
    const writer = block.diagnose().slots[index!]!.writer!;
    expect(writer).toMatchObject({ pid: child.proc.pid, alive: true });
    child.proc.kill('SIGKILL');
    await child.exited;
    refillDeadEntries(block.name, 2); // the table is full: both dead entries go to this process
    expect(block.participants().every((p) => p.alive && p.pid === process.pid)).toBe(true);
    expect(block.diagnose().slots[index!]!.writer).toEqual({ participant: writer.participant, pid: 0, alive: false });
  });

  it('a dead reader whose entry a live attacher took shows as not alive (pid 0), not as that attacher', async () => {
    const block = make(3);
    const producer = block.producer(); // entry 1
    producer.acquireWriteSlot().commit(1);
    producer.close();
    const child = spawnFixture('slots.mjs', [block.name, 'hold']);
    const [, , index] = (await child.line(/^holding /)).split(' ').map(Number);
    const reader = block.diagnose().slots[index!]!.readers[0]!;
    expect(reader).toMatchObject({ pid: child.proc.pid, alive: true });
    child.proc.kill('SIGKILL');
    await child.exited;
    refillDeadEntries(block.name, 2);
    expect(block.participants().every((p) => p.alive && p.pid === process.pid)).toBe(true);
    expect(block.diagnose().slots[index!]!.readers).toEqual([{ participant: reader.participant, pid: 0, alive: false }]);
  });
});

describe('forceReclaimSlot never frees the slot of a new producer', () => {
  it('a reclaim decided on the state word of a dead writer, acting after a new producer on the same entry retook the slot, frees nothing', async () => {
    const block = make(8, 'sequential');
    const child = spawnFixture('slots.mjs', [block.name, 'write-and-hang']);
    const [, index] = (await child.line(/^writing /)).split(' ').map(Number);
    const dead = block.diagnose().producer!.participant;
    child.proc.kill('SIGKILL');
    await child.exited;
    const { control } = getInternals(block);
    const ctx = slotContext(block);
    // The reclaimer reads the slot: WRITING by the dead producer...
    const observed = Atomics.load(control, index! * 16 + C_STATE);
    expect(stateOf(observed)).toBe(WRITING);
    // ...meanwhile cleanup frees the dead producer's entry, a new producer registers on that same
    // entry (the same index, so the same tag in the old format), reclaims the slot and retakes it...
    block.cleanupDeadConsumers();
    const producer = block.producer();
    expect(producer.participantIndex).toBe(dead);
    const slot = producer.acquireWriteSlot({ timeoutMs: 2000 });
    expect(slot.index).toBe(index);
    const retaken = Atomics.load(control, index! * 16 + C_STATE);
    expect(retaken).not.toBe(observed); // the writer is named by its registration, not its index
    // ...then the reclaimer acts on what it read, unforced and forced: the new slot stays.
    expect(ctx.cleaner.reclaimSlot(index!, false, observed).outcome).toBe('dead');
    expect(ctx.cleaner.reclaimSlot(index!, true, observed).outcome).toBe('dead');
    expect(Atomics.load(control, index! * 16 + C_STATE)).toBe(retaken);
    slot.commit(1);
    expect(block.diagnose().slots[index!]).toMatchObject({ state: 'COMMITTED', length: 1 });
  });

  it('a dead writer\'s slot is reclaimed while a live process is taking the dead writer\'s entry (crash campaign finding)', async () => {
    const block = make(8, 'sequential');
    const child = spawnFixture('slots.mjs', [block.name, 'write-and-hang']);
    const [, index] = (await child.line(/^writing /)).split(' ').map(Number);
    const dead = block.diagnose().producer!.participant;
    child.proc.kill('SIGKILL');
    await child.exited;
    // A live registrar (this process's tid) holds a claim on the dead producer's entry.
    const words = getInternals(block).participants.words;
    const state = Atomics.load(words, dead * 16);
    Atomics.store(words, dead * 16, -catPid); // a live process's claim (here: cat's pid)
    expect(block.forceReclaimSlot(index!)).toMatchObject({ action: 'freed', owner: { participant: dead, alive: false } });
    Atomics.store(words, dead * 16, state);
  });
});
