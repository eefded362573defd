// DataBlockMutex: a standalone robust mutex in its own segment `/plh.mutex.<name>`, with a participants table.
import { DataBlockError, invalidArgument } from '../errors.js';
import { DEFAULT_MUTEX_PARTICIPANTS, MAX_PARTICIPANTS, MUTEX_MAGIC, PARTICIPANT_STRIDE } from '../layout/constants.js';
import { computeMutexFields } from '../layout/compute.js';
import { MUTEX_FIELDS, writeFields } from '../layout/fields.js';
import { validateMutexHeader, type MutexLayout } from '../layout/validate.js';
import { processIdentity, selfIdentity } from '../participants/identity.js';
import { native } from '../native.js';
import { validateName } from '../names.js';
import { ParticipantTable, type ParticipantInfo } from '../participants/table.js';
import { createSegment, openSegment, publishMagic, unlinkSegment, withMagic, type MappedSegment } from '../segment.js';
import { normalizeTimeout } from '../timeouts.js';
import { RobustMutex } from './robust-mutex.js';

export interface DataBlockMutexCreateOptions {
  /** Permission bits of the segment (default 0o600: this user only). */
  mode?: number;
  /** Entries of the participants table (default 16). */
  maxParticipants?: number;
}
export interface DataBlockMutexAttachOptions {
  /** How long to wait for a creator that is still initialising (default 5000 ms; 0 = no wait). */
  timeoutMs?: number;
}

export const DEFAULT_ATTACH_TIMEOUT_MS = 5000;

export function validateMode(mode: unknown): number {
  if (mode === undefined) return 0o600;
  if (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777) {
    throw invalidArgument(`mode must be an integer permission mask between 0 and 0o777 (e.g. 0o600); got ${String(mode)}`);
  }
  return mode;
}

export function validateMaxParticipants(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PARTICIPANTS) {
    throw invalidArgument(`maxParticipants must be an integer from 1 to ${MAX_PARTICIPANTS}; got ${String(value)}`);
  }
  return value;
}

function optionsObject<T>(options: T | undefined, what: string): T | Record<string, never> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw invalidArgument(`${what} options must be an object`);
  return options;
}

/**
 * A standalone robust, process-shared mutex in its own segment `/plh.mutex.<name>`.
 * Lock methods: see RobustMutex (lock, tryLock, lockAsync, unlock, withLock, withLockAsync, guard, state).
 */
export class DataBlockMutex extends RobustMutex {
  readonly name: string;
  readonly layout: MutexLayout;
  #segment: MappedSegment | null;
  #participants: ParticipantTable;
  #participantIndex: number;
  #state: { closed: boolean };

  private constructor(name: string, segment: MappedSegment, layout: MutexLayout, state: { closed: boolean }) {
    super(segment.mapping, layout.mutexOffset, { kind: 'DataBlockMutex', name, isClosed: () => state.closed });
    this.name = name;
    this.layout = layout;
    this.#segment = segment;
    this.#participants = new ParticipantTable(new Int32Array(segment.mapping.buffer(layout.participantsOffset, layout.participantCapacity * PARTICIPANT_STRIDE)));
    this.#participantIndex = -1;
    this.#state = state;
  }

  static create(name: string, options?: DataBlockMutexCreateOptions): DataBlockMutex {
    validateName(name, 'DataBlockMutex');
    const opts = optionsObject(options, 'DataBlockMutex.create');
    const mode = validateMode(opts.mode);
    const capacity = validateMaxParticipants(opts.maxParticipants, DEFAULT_MUTEX_PARTICIPANTS);
    const fields = computeMutexFields(capacity, native.pthreadMutexSize, processIdentity(), Date.now());
    const segment = createSegment('DataBlockMutex', name, fields.segmentSize, mode);
    try {
      writeFields(segment.header, MUTEX_FIELDS, fields);
      segment.mapping.mutexInit(fields.mutexOffset);
      const layout = validateMutexHeader(withMagic(segment.header, MUTEX_MAGIC), segment.size, native.pthreadMutexSize, { kind: 'DataBlockMutex', name });
      const mutex = new DataBlockMutex(name, segment, layout, { closed: false });
      mutex.#participantIndex = mutex.#participants.register('creator', selfIdentity(), { kind: 'DataBlockMutex', name });
      publishMagic(segment, MUTEX_MAGIC);
      return mutex;
    } catch (error) {
      segment.mapping.close();
      try { unlinkSegment('DataBlockMutex', name); } catch { /* gone */ }
      throw error;
    }
  }

  static attach(name: string, options?: DataBlockMutexAttachOptions): DataBlockMutex {
    validateName(name, 'DataBlockMutex');
    const opts = optionsObject(options, 'DataBlockMutex.attach');
    const timeoutMs = normalizeTimeout(opts.timeoutMs, DEFAULT_ATTACH_TIMEOUT_MS);
    const segment = openSegment('DataBlockMutex', name, { timeoutMs, writable: true });
    try {
      const layout = validateMutexHeader(segment.header, segment.size, native.pthreadMutexSize, { kind: 'DataBlockMutex', name });
      const mutex = new DataBlockMutex(name, segment, layout, { closed: false });
      mutex.#participantIndex = mutex.#participants.register('attacher', selfIdentity(), { kind: 'DataBlockMutex', name });
      return mutex;
    } catch (error) {
      segment.mapping.close();
      throw error;
    }
  }

  /** Removes the name (processes that attached keep their mapping until they close). */
  static unlink(name: string): void {
    validateName(name, 'DataBlockMutex');
    unlinkSegment('DataBlockMutex', name);
  }

  get closed(): boolean {
    return this.#state.closed;
  }

  /** Registered processes with their liveness. */
  participants(): ParticipantInfo[] {
    if (this.#state.closed) throw new DataBlockError('ERR_DATABLOCK_CLOSED', `DataBlockMutex '${this.name}' is closed: attach it again to keep using it`, { name: this.name, kind: 'DataBlockMutex' });
    return this.#participants.list();
  }

  /** Unlocks if this handle holds the lock, unregisters, unmaps. Idempotent. */
  close(): void {
    const segment = this.#segment;
    if (this.#state.closed || segment === null) return;
    this.releaseForClose();
    this.#participants.unregister(this.#participantIndex, selfIdentity());
    this.#state.closed = true;
    this.#segment = null;
    segment.mapping.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

