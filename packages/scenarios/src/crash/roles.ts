// The three crash roles, each run by one worker process: write slots, read slots, update a record
// under the block's robust mutex. Each dies at its directive's point (self-kill) or is killed by
// the driver; a replacement is the same role with the next generation number.
import { DataBlock, type ReadSlot } from '@plh/datablock';
import {
  FLEX_ZONE_SIZE, L_LAST, M_A, M_B, SLOT_COUNT, SLOT_SIZE, WAIT_BOUND_MS, checkPayload, payloadLength, writeBody, writeHeader,
} from './protocol.js';
import { emit, errorCode, driverCommands, pace, parseDirective, selfKiller, stuck, type Directive } from './worker-io.js';

/** A short picture of the block for a stuck report: slots, producer, consumers, participants. */
function picture(block: DataBlock): string {
  const g = block.diagnose();
  const who = (o: { participant: number; pid: number; alive: boolean } | null) => (o ? `p${o.participant}/${o.pid}${o.alive ? '' : '(dead)'}` : '-');
  const slots = g.slots.map((s) => `${s.index}:${s.state}#${s.slotId}${s.pending ? ' pending' : ''} w=${who(s.writer)} r=[${s.readers.map(who).join(',')}]`).join('; ');
  const parts = g.participants.map((p) => `p${p.index}:${p.role}/${p.pid}${p.alive ? '' : '(dead)'}`).join(' ');
  return `next ${g.nextSlotId} producer ${who(g.producer)} | ${slots} | ${parts}`;
}

/** Odd generations call the explicit recovery API first, unless the driver set PLH_CRASH_EXPLICIT=0. */
function explicitRecovery(d: Directive): boolean {
  return d.gen % 2 === 1 && process.env.PLH_CRASH_EXPLICIT !== '0';
}

/** Generations 2-3, 6-7, ... use the batch calls (writeBatchAsync / readBatchAsync, 3 slots). */
const batched = (d: Directive) => Math.floor(d.gen / 2) % 2 === 1;
const BATCH_SLOTS = 3;

function attach(d: Directive): DataBlock {
  const block = DataBlock.attach(d.block, { timeoutMs: WAIT_BOUND_MS, expect: { slotCount: SLOT_COUNT, slotSize: SLOT_SIZE, flexZoneSize: FLEX_ZONE_SIZE, checksum: 'crc32c' } });
  return block;
}

function flexWords(block: DataBlock): Int32Array {
  const flex = block.flexZone;
  return new Int32Array(flex.buffer, flex.byteOffset, flex.byteLength >> 2);
}

/** After each op: the first one proves recovery ("ok"); an external kill counts checkpoints. */
function progress(d: Directive, op: number): void {
  if (op === 1) emit('ok');
  if (d.point === 'external') emit(`c ${op}`);
}

/** Writes slots until "finish", then one more ring of slots (so every slot is rewritten by a live producer), then ends the stream. */
export async function producer(args: string[]): Promise<void> {
  const d = parseDirective(args);
  const kill = selfKiller(d);
  const finish = driverCommands(d);
  await finish.go;
  const block = attach(d);
  if (explicitRecovery(d)) {
    // Odd replacements recover explicitly first (even ones rely on the automatic reclaim).
    let n = 0;
    for (const s of block.diagnose().slots) {
      if (s.state === 'WRITING' || s.state === 'DRAINING') n += block.forceReclaimSlot(s.index).action === 'none' ? 0 : 1;
    }
    emit(`explicit ${n} forceReclaimSlot`);
  }
  const p = block.producer();
  emit('up');
  let extra = 0;
  /** Fills slot `id` as op `op`, with the kill points inside the write. */
  const fill = (data: Uint8Array, id: number, op: number): number => {
    kill('after-acquire', op);
    const length = payloadLength(id);
    writeHeader(data, id, d.gen, length);
    writeBody(data, id, d.gen, 0, length >> 1);
    kill('mid-write', op);
    writeBody(data, id, d.gen, length >> 1, length);
    kill('before-commit', op);
    return length;
  };
  for (let op = 1; ; op++) {
    let wrote = 1;
    try {
      if (batched(d)) {
        // A batch: slot k is committed when fill k+1 starts, but writeSeq and newest are written
        // only when the batch ends; 'after-commit' of slot k kills inside the batch.
        const first = op;
        const n = await p.writeBatchAsync(BATCH_SLOTS, (data, i) => {
          if (i > 0) kill('after-commit', first + i - 1);
          return fill(data, p.nextSlotId, first + i);
        }, { timeoutMs: WAIT_BOUND_MS });
        for (let k = first; k < first + n - 1; k++) progress(d, k);
        op = first + n - 1;
        wrote = n;
      } else {
        const slot = await p.acquireWriteSlotAsync({ timeoutMs: WAIT_BOUND_MS });
        slot.commit(fill(slot.data, slot.slotId, op));
      }
    } catch (error) {
      if (errorCode(error) === 'ERR_DATABLOCK_TIMEOUT') stuck(`producer acquire (generation ${d.gen}): ${picture(block)}`);
      throw error;
    }
    kill('after-commit', op);
    if (op <= BATCH_SLOTS && d.gen > 0) {
      // A replacement that committed holds no slot, and it is the only live producer: a slot
      // still WRITING or DRAINING can only be a dead predecessor's that was not recovered.
      for (const s of block.diagnose().slots) {
        if (s.state === 'WRITING' || s.state === 'DRAINING') emit(`stuck slot ${s.index} left ${s.state} after the replacement producer's first commit`);
      }
    }
    progress(d, op);
    if (finish.finishing && (extra += wrote) > SLOT_COUNT) {
      p.end();
      emit(`ended ${p.nextSlotId}`);
      p.close();
      block.close();
      return;
    }
    await pace(d.paceMs);
  }
}

/** Reads and verifies slots until the end of the stream. sequential: checks order and gaps against the ledger word. */
export async function consumer(args: string[]): Promise<void> {
  const d = parseDirective(args);
  const kill = selfKiller(d);
  await driverCommands(d).go;
  const block = attach(d);
  const sequential = block.layout.policy === 'sequential';
  const words = flexWords(block);
  if (explicitRecovery(d)) {
    // Odd replacements recover explicitly first (even ones rely on the producer's reaping).
    const released = block.releaseZombieReaders().released.length;
    const removed = block.cleanupDeadConsumers().removed.length;
    emit(`explicit ${released + removed} releaseZombieReaders/cleanupDeadConsumers`);
  }
  const c = block.consumer();
  emit('up');
  let last = sequential ? Atomics.load(words, L_LAST) : -1;
  let first = true;
  let op = 0;
  /** Checks one slot as op `op` (order and gaps against the ledger word), with the kill points. */
  const check = (data: Uint8Array, id: number): void => {
    kill('holding-read', op);
    const bad = checkPayload(data, id);
    if (bad !== null) emit(`corrupt slot ${id}: ${bad}`);
    if (sequential) {
      if (id > last + 1) emit(`lost ${id - last - 1} slots ${last + 1}..${id - 1}`);
      // A replacement may get the slot its predecessor held again (at-least-once): id === last.
      else if (id < last || (id === last && !first)) emit(`order slot ${id} after ${last}`);
      Atomics.store(words, L_LAST, id);
    } else if (id <= last) emit(`order slot ${id} after ${last}`);
    last = id;
    first = false;
    kill('after-verify', op);
  };
  for (;;) {
    try {
      if (batched(d)) {
        await c.readBatchAsync(BATCH_SLOTS, (data, id) => {
          op++;
          check(data, id);
          progress(d, op);
        }, { timeoutMs: WAIT_BOUND_MS });
      } else {
        const slot: ReadSlot = await c.acquireConsumeSlotAsync({ timeoutMs: WAIT_BOUND_MS });
        op++;
        check(slot.data, slot.slotId);
        slot.release();
        progress(d, op);
      }
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ERR_DATABLOCK_END_OF_STREAM') {
        emit(`eos ${c.lastConsumedSlotId}`);
        c.close();
        block.close();
        return;
      }
      if (code === 'ERR_DATABLOCK_CHECKSUM_MISMATCH') {
        emit(`rejected ${(error as Error).message}`);
        continue;
      }
      if (code === 'ERR_DATABLOCK_TIMEOUT') stuck(`consumer acquire (generation ${d.gen}): ${picture(block)}`);
      throw error;
    }
    await pace(d.paceMs);
  }
}

/** Updates the two-field record under the block's mutex until "finish"; repairs it after an owner death. */
export async function mutex(args: string[]): Promise<void> {
  const d = parseDirective(args);
  const kill = selfKiller(d);
  const finish = driverCommands(d);
  await finish.go;
  const block = attach(d);
  const words = flexWords(block);
  emit('up');
  for (let op = 1; !finish.finishing; op++) {
    let recovered: boolean;
    try {
      ({ recovered } = await block.mutex.lockAsync({ timeoutMs: WAIT_BOUND_MS }));
    } catch (error) {
      if (errorCode(error) === 'ERR_DATABLOCK_TIMEOUT') stuck(`mutex lock (generation ${d.gen})`);
      throw error;
    }
    kill('after-lock', op);
    const a = words[M_A]!;
    const b = words[M_B]!;
    if (recovered) {
      emit(`recovered ${a} ${b}`);
      words[M_B] = a; // repair: the half-done update is rolled forward
    } else if (a !== b) emit(`inconsistent ${a} ${b}`);
    words[M_A] = words[M_B]! + 1; // not atomic as a pair: the mutex is what protects it
    kill('half-update', op);
    words[M_B] = words[M_A]!;
    kill('before-unlock', op);
    block.mutex.unlock();
    progress(d, op);
    await pace(d.paceMs);
  }
  block.close();
}
