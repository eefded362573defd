// A second implementation in miniature: maps /dev/shm/plh.<name> itself and reads and writes
// the shared words using ONLY what LAYOUT.md says (numbers parsed by doc-layout.ts, rules from its
// section "Acting on a block"). test/layout-protocol.test.ts runs it next to the real code.
import { closeSync, fstatSync, openSync, readFileSync, readlinkSync } from 'node:fs';
import { Mapping } from '@plh/datablock-native';
import { doc } from './doc-layout.js';

/** Bit p of a 64-bit mask: lo word bit p for p < 32, hi word (lo + 1) bit p - 32 for p >= 32. */
export function maskBit(p: number): { half: 0 | 1; bit: number } {
  return p < 32 ? { half: 0, bit: 1 << p } : { half: 1, bit: 1 << (p - 32) };
}

/** The reflected CRC of `data` from a column of the doc's parameter table. */
export function docCrc(kind: string, data: Uint8Array): number {
  const p = doc.crc[kind];
  if (p === undefined) throw new Error(`LAYOUT.md has no CRC ${kind}`);
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ p.reflectedPoly : c >>> 1;
    table[i] = c >>> 0;
  }
  let c = p.init >>> 0;
  for (const b of data) c = (table[(c ^ b) & 0xff]! ^ (c >>> 8)) >>> 0;
  return (c ^ p.xorout) >>> 0;
}

/** This thread's identity as the participants table records it (LAYOUT.md "Identity and liveness"). */
export function docIdentity(): { pid: number; tid: number; startTime: number } {
  const link = readlinkSync('/proc/thread-self'); // '<pid>/task/<tid>'
  const tid = Number(link.slice(link.lastIndexOf('/') + 1));
  const pid = process.pid;
  const stat = readFileSync(tid === pid ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is field 3
  return { pid, tid, startTime: Number(fields[22 - 3]) };
}

const TWO32 = 2 ** 32;

export class DocSegment {
  readonly mapping: Mapping;
  readonly #view: DataView;
  readonly #w: Int32Array;

  constructor(name: string) {
    const fd = openSync(`${doc.shmPrefix}${name}`, 'r+');
    try {
      this.mapping = new Mapping(fd, fstatSync(fd).size, true);
    } finally {
      closeSync(fd);
    }
    const buffer = this.mapping.buffer(0, this.mapping.size);
    this.#view = new DataView(buffer);
    this.#w = new Int32Array(buffer);
  }

  close(): void {
    this.mapping.close();
  }

  /** A header field, by the offset and type of the doc's tables. */
  header(field: string): number {
    const f = doc.header[field];
    if (f === undefined) throw new Error(`LAYOUT.md has no header field ${field}`);
    return f.type === 'u64' ? Number(this.#view.getBigUint64(f.offset, true)) : this.#view.getUint32(f.offset, true);
  }

  #word(table: Record<string, number[]>, name: string, k: number): number {
    const w = table[name]?.[k];
    if (w === undefined) throw new Error(`LAYOUT.md has no word ${name}[${k}]`);
    return w;
  }

  /** i32 index (into the whole mapping) of a state word. */
  state(name: string, k = 0): number {
    return (this.header('stateOffset') + 4 * this.#word(doc.state, name, k)) / 4;
  }

  /** i32 index of a word of slot `slot`'s control line. */
  control(slot: number, name: string, k = 0): number {
    return (this.header('controlOffset') + this.header('controlStride') * slot + 4 * this.#word(doc.control, name, k)) / 4;
  }

  /** i32 index of a word of participant entry `p`. */
  participant(p: number, name: string, k = 0): number {
    return (this.header('participantsOffset') + this.header('participantStride') * p + 4 * this.#word(doc.participant, name, k)) / 4;
  }

  load(i: number): number {
    return Atomics.load(this.#w, i);
  }

  store(i: number, v: number): void {
    Atomics.store(this.#w, i, v);
  }

  cas(i: number, expected: number, v: number): boolean {
    return Atomics.compareExchange(this.#w, i, expected, v) === expected;
  }

  or(i: number, v: number): void {
    Atomics.or(this.#w, i, v);
  }

  and(i: number, v: number): void {
    Atomics.and(this.#w, i, v);
  }

  add(i: number, v: number): void {
    Atomics.add(this.#w, i, v);
  }

  /** A u64 counter at lo = i, hi = i + 1 (seq64: load hi, lo, hi; retry while hi is -1 or changed). */
  read64(i: number): number {
    for (let n = 0; n < 1e6; n++) {
      const h1 = this.load(i + 1);
      if (h1 === -1) continue;
      const lo = this.load(i);
      if (this.load(i + 1) === h1) return h1 * TWO32 + (lo >>> 0);
    }
    throw new Error('seq64 counter stayed busy');
  }

  write64(i: number, value: number): void {
    const hi = Math.floor(value / TWO32);
    if (this.load(i + 1) !== hi) this.store(i + 1, -1);
    this.store(i, value | 0);
    this.store(i + 1, hi);
  }

  /** Is bit p set in the 64-bit mask whose lo word is at i32 index `lo`? */
  maskHas(lo: number, p: number): boolean {
    const { half, bit } = maskBit(p);
    return (this.load(lo + half) & bit) !== 0;
  }

  /** `index = slotId % slotCount` */
  slotOf(slotId: number): number {
    return slotId % this.header('slotCount');
  }

  /** A copy of bytes [0, length) of slot `slot`'s payload. */
  payload(slot: number, length: number): Uint8Array {
    const start = this.header('dataOffset') + this.header('slotStride') * slot;
    return new Uint8Array(this.#view.buffer.slice(start, start + length));
  }

  /** Byte offset of a state word in the mapping (futex calls). */
  stateByte(name: string): number {
    return this.state(name) * 4;
  }

  // ---- participants (LAYOUT.md "Registering and unregistering") ----

  /** Registers this thread with `role` in the free entry `p` (claim, marks lock, fill, state last). Returns its token. */
  register(p: number, role: string): number {
    const code = doc.role[role];
    if (code === undefined) throw new Error(`LAYOUT.md has no role ${role}`);
    const me = docIdentity();
    const st = this.participant(p, 'state');
    if (!this.cas(st, doc.entryState.free!, -me.tid)) throw new Error(`entry ${p} is not free`);
    if (this.load(this.participant(p, 'marks')) !== 0) {
      this.store(st, doc.entryState.free!);
      throw new Error(`entry ${p}: its marks lock is held`);
    }
    this.#zeroEntry(p);
    this.store(this.participant(p, 'role'), code);
    this.store(this.participant(p, 'pid'), me.pid);
    this.store(this.participant(p, 'tid'), me.tid);
    this.store(this.participant(p, 'start', 0), me.startTime % TWO32 | 0);
    this.store(this.participant(p, 'start', 1), Math.floor(me.startTime / TWO32));
    const gen = (this.load(this.participant(p, 'generation')) + 1) & 0xffff;
    this.store(this.participant(p, 'generation'), gen);
    this.store(st, doc.entryState.active!);
    return this.tokenOf(p);
  }

  /** Token of entry p's registration: (generation << 13) | (index + 1). */
  tokenOf(p: number): number {
    return ((this.load(this.participant(p, 'generation')) & 0xffff) << doc.tokenShift) | (p + 1);
  }

  /** Unregisters entry p (this thread's): claim 2 -> -tid, zero words 1..5 and 8..15, state 0. */
  unregister(p: number): void {
    const st = this.participant(p, 'state');
    if (!this.cas(st, doc.entryState.active!, -docIdentity().tid)) throw new Error(`entry ${p} is not active`);
    this.#zeroEntry(p);
    this.store(st, doc.entryState.free!);
  }

  /** Zeroes words 1..5 and 8..15 of entry p (not the marks lock, not the generation). */
  #zeroEntry(p: number): void {
    const base = this.participant(p, 'state');
    const keep = new Set([this.participant(p, 'marks'), this.participant(p, 'generation')]);
    for (let k = 1; k < 16; k++) if (!keep.has(base + k)) this.store(base + k, 0);
  }

  // ---- consumer steps (LAYOUT.md "Acquire (reader entry) and release") ----

  /** enter(i, s) as consumer p: set the reader bit, re-check state and seq, back out if either changed. */
  enter(slot: number, slotId: number, p: number): boolean {
    const { half, bit } = maskBit(p);
    const readers = this.control(slot, 'readers') + half;
    this.or(readers, bit);
    if (this.load(this.control(slot, 'state')) === doc.slotState.COMMITTED && this.read64(this.control(slot, 'seq')) === slotId) return true;
    this.and(readers, ~bit);
    this.notifyProducer();
    return false;
  }

  /** Release, in the documented order: pending, reader bit, position, notify. */
  release(slot: number, p: number, policy: 'latest-only' | 'sequential' | 'sequential-sync', position: number): void {
    const { half, bit } = maskBit(p);
    if (policy === 'sequential') this.store(this.control(slot, 'pending'), 0);
    if (policy === 'sequential-sync') this.and(this.control(slot, 'pending') + half, ~bit);
    this.and(this.control(slot, 'readers') + half, ~bit);
    this.write64(this.participant(p, 'position'), position);
    this.notifyProducer();
  }

  /** When producerWaiters is non-zero: releaseCounter + 1, FUTEX_WAKE (all). Returns how many woke. */
  notifyProducer(): number {
    if (this.load(this.state('producerWaiters')) === 0) return 0;
    this.add(this.state('releaseCounter'), 1);
    return this.mapping.futexWake(this.stateByte('releaseCounter'), 0x7fffffff);
  }
}
