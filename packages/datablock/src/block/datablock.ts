// DataBlock: create / attach / close of a block segment, its views and participant entries; it
// builds the SlotContext that producers, consumers, recovery and diagnose receive.
import { closedError } from '../errors.js';
import { BLOCK_MAGIC, CONTROL_STRIDE, PARTICIPANT_STRIDE } from '../layout/constants.js';
import { computeBlockFields } from '../layout/compute.js';
import { BLOCK_FIELDS, writeFields } from '../layout/fields.js';
import { validateBlockHeader, type BlockLayout } from '../layout/validate.js';
import { processIdentity, selfIdentity } from '../participants/identity.js';
import { native, type NativeMapping } from '../native.js';
import { validateName } from '../names.js';
import { ParticipantTable, type ParticipantInfo, type ParticipantRole } from '../participants/table.js';
import { SlotContext, type BlockAccess } from '../slots/context.js';
import { RobustMutex } from '../mutex/robust-mutex.js';
import { DEFAULT_ATTACH_TIMEOUT_MS } from '../mutex/datablock-mutex.js';
import { createSegment, openSegment, publishMagic, unlinkSegment, withMagic, type MappedSegment } from '../segment.js';
import { normalizeTimeout } from '../timeouts.js';
import { checkExpect, parseAttachOptions, parseCreateOptions, type DataBlockAttachOptions, type DataBlockCreateOptions } from './options.js';
import { SlotViews } from './slot-views.js';
import { Producer } from '../slots/producer.js';
import { Consumer } from '../slots/consumer.js';
import type { ConsumerOptions, ProducerOptions } from '../slots/options.js';
import {
  cleanupDeadConsumers, forceReclaimSlot, releaseZombieReaders,
  type CleanupResult, type Diagnosis, type ReclaimResult, type RecoveryOptions, type ZombieReleaseResult,
} from '../slots/recovery.js';
import { diagnoseViews } from '../slots/diagnose.js';

const CTX_KIND = 'DataBlock' as const;

/** Views over the mapping, made once at create/attach; all detached by close(). */
interface Views { mapping: NativeMapping; flexZone: Uint8Array; state: Int32Array; control: Int32Array; slots: SlotViews; participants: ParticipantTable }

/** Internals for the slot protocol and tests (same package only): see internal.ts. */
export type DataBlockInternals = BlockAccess;

const contexts = new WeakMap<DataBlock, SlotContext>();

/** @internal The block's access object (throws ERR_DATABLOCK_CLOSED once closed). */
export function getInternals(block: DataBlock): DataBlockInternals {
  return slotContext(block).block;
}

/** @internal The slot protocol's context of `block` (throws ERR_DATABLOCK_CLOSED once closed). */
export function slotContext(block: DataBlock): SlotContext {
  const found = contexts.get(block);
  if (found === undefined || block.closed) throw closedError(CTX_KIND, block?.name ?? '?');
  return found;
}

/**
 * A shared-memory block `/plh.<name>`: header, robust mutex, participants, flex zone,
 * slot control array and slot data (see LAYOUT.md).
 */
export class DataBlock {
  readonly name: string;
  /** The validated header fields (frozen). */
  readonly layout: BlockLayout;
  /** The block's robust mutex (lives in the header area). */
  readonly mutex: RobustMutex;
  #views: Views | null;
  #state: { closed: boolean };
  #registrations: number[] = [];
  #closeHooks = new Set<() => void>();

  private constructor(name: string, segment: MappedSegment, layout: BlockLayout) {
    const state = { closed: false };
    const m = segment.mapping;
    this.name = name;
    this.layout = layout;
    this.#state = state;
    this.mutex = new RobustMutex(m, layout.mutexOffset, { kind: CTX_KIND, name, isClosed: () => state.closed });
    this.#views = {
      mapping: m,
      flexZone: new Uint8Array(m.buffer(layout.flexZoneOffset, layout.flexZoneSize)),
      state: new Int32Array(m.buffer(layout.stateOffset, layout.stateSize)),
      control: new Int32Array(m.buffer(layout.controlOffset, layout.slotCount * CONTROL_STRIDE)),
      slots: new SlotViews(m, layout),
      participants: new ParticipantTable(new Int32Array(m.buffer(layout.participantsOffset, layout.participantCapacity * PARTICIPANT_STRIDE))),
    };
    const self = this;
    contexts.set(this, new SlotContext({
      name, mapping: m, layout,
      get state() { return self.#live().state; },
      get control() { return self.#live().control; },
      slot: (i: number) => self.#live().slots.get(i),
      get participants() { return self.#live().participants; },
      register: (role: ParticipantRole) => self.#register(role),
      unregister: (index: number) => self.#unregister(index),
      onClose: (fn: () => void) => { self.#closeHooks.add(fn); return () => { self.#closeHooks.delete(fn); }; },
      isClosed: () => state.closed,
    }));
  }

  /**
   * Creates `/plh.<name>` (O_EXCL, mode 0600 by default, space reserved), initialises every
   * region, registers this process as creator and publishes the magic last.
   */
  static create(name: string, options: DataBlockCreateOptions): DataBlock {
    validateName(name, CTX_KIND);
    const { params, mode } = parseCreateOptions(options);
    const fields = computeBlockFields(params, processIdentity(), Date.now());
    const segment = createSegment(CTX_KIND, name, fields.segmentSize, mode);
    let block: DataBlock | undefined;
    try {
      // ftruncate/fallocate gave zeroed memory: slot control, state, participants, flex zone start at 0.
      writeFields(segment.header, BLOCK_FIELDS, fields);
      segment.mapping.mutexInit(fields.mutexOffset);
      const layout = validateBlockHeader(withMagic(segment.header, BLOCK_MAGIC), segment.size, native.pthreadMutexSize, { kind: CTX_KIND, name });
      block = new DataBlock(name, segment, layout);
      block.#register('creator');
      publishMagic(segment, BLOCK_MAGIC);
      return block;
    } catch (error) {
      if (block) block.#state.closed = true;
      segment.mapping.close();
      try { unlinkSegment(CTX_KIND, name); } catch { /* gone */ }
      throw error;
    }
  }

  /**
   * Attaches to `/plh.<name>`: waits (bounded, default 5000 ms) for the creator's magic, then
   * validates version and every layout field against the mapped size before using any offset.
   */
  static attach(name: string, options?: DataBlockAttachOptions): DataBlock {
    validateName(name, CTX_KIND);
    const opts = parseAttachOptions(options);
    const timeoutMs = normalizeTimeout(opts.timeoutMs, DEFAULT_ATTACH_TIMEOUT_MS);
    const segment = openSegment(CTX_KIND, name, { timeoutMs, writable: true });
    let block: DataBlock | undefined;
    try {
      const layout = validateBlockHeader(segment.header, segment.size, native.pthreadMutexSize, { kind: CTX_KIND, name });
      checkExpect(name, layout, opts.expect);
      block = new DataBlock(name, segment, layout);
      block.#register('attacher');
      return block;
    } catch (error) {
      if (block) block.#state.closed = true;
      segment.mapping.close();
      throw error;
    }
  }

  /** Removes the name; attached processes keep their mapping until they close. */
  static unlink(name: string): void {
    validateName(name, CTX_KIND);
    unlinkSegment(CTX_KIND, name);
  }

  #live(): Views {
    if (this.#state.closed || this.#views === null) throw closedError(CTX_KIND, this.name);
    return this.#views;
  }

  #register(role: ParticipantRole): number {
    const index = this.#live().participants.register(role, selfIdentity(), { kind: CTX_KIND, name: this.name });
    this.#registrations.push(index);
    return index;
  }

  #unregister(index: number): void {
    // Kept for close() to try again when another process held a claim on the entry too long.
    if (!this.#live().participants.unregister(index, selfIdentity())) return;
    this.#registrations = this.#registrations.filter((i) => i !== index);
  }

  get closed(): boolean {
    return this.#state.closed;
  }

  /** Shared user metadata (zero-copy; the same view every time; detached by close()). */
  get flexZone(): Uint8Array {
    return this.#live().flexZone;
  }

  /**
   * The block's one producer (registered with role 'producer'). A second live producer throws
   * ERR_DATABLOCK_PRODUCER_EXISTS; a dead one is replaced.
   */
  producer(options?: ProducerOptions): Producer {
    return new Producer(slotContext(this), options);
  }

  /** A consumer (registered with role 'consumer'); what it reads depends on the block's policy. */
  consumer(options?: ConsumerOptions): Consumer {
    return new Consumer(slotContext(this), options);
  }

  /** Slot states, owners, readers and participants with liveness (reads /proc; not a hot path). */
  diagnose(): Diagnosis {
    return diagnoseViews(slotContext(this));
  }

  /**
   * Reclaims slot `index` left WRITING (or DRAINING) by a producer that died: the slot becomes
   * FREE (its partial payload is never readable). Refuses with ERR_DATABLOCK_OWNER_ALIVE while the
   * writer lives, unless `force: true`.
   */
  forceReclaimSlot(index: number, options?: RecoveryOptions): ReclaimResult {
    return forceReclaimSlot(slotContext(this), index, options);
  }

  /**
   * Clears the reader marks of consumers that died (and, for sequential-sync, their pending
   * marks), then wakes the producer. With `force: true` it clears every reader mark of the
   * participants in `options.participants` even if they are alive.
   */
  releaseZombieReaders(options?: RecoveryOptions & { participants?: number[] }): ZombieReleaseResult {
    return releaseZombieReaders(slotContext(this), options);
  }

  /**
   * Unregisters dead consumers (and dead producers): their marks are cleared, sequential-sync
   * stops waiting for them. `force: true` with `participants` also drops live ones.
   */
  cleanupDeadConsumers(options?: RecoveryOptions & { participants?: number[] }): CleanupResult {
    return cleanupDeadConsumers(slotContext(this), options);
  }

  /** Registered processes (creator, attachers, producers, consumers) with their liveness. */
  participants(): ParticipantInfo[] {
    return this.#live().participants.list();
  }

  /**
   * Releases the block's mutex if held here, unregisters this process, detaches every view and
   * unmaps once. Does not unlink the name. A second close() is a no-op.
   */
  close(): void {
    const views = this.#views;
    if (this.#state.closed || views === null) return;
    for (const hook of [...this.#closeHooks]) {
      try { hook(); } catch { /* closing anyway */ }
    }
    this.#closeHooks.clear();
    this.mutex.releaseForClose();
    for (const index of this.#registrations) views.participants.unregister(index, selfIdentity());
    this.#registrations = [];
    this.#state.closed = true;
    this.#views = null;
    views.mapping.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
