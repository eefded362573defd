import type { ParticipantInfo } from '../participants/table.js';
import type { SlotStateName } from './constants.js';

/** The result and option types of diagnose() and the recovery calls (public API). */
export interface RecoveryOptions {
  /** Act even when the owner is alive (unsafe: only when you know it is stuck). Default false. */
  force?: boolean;
}
/**
 * A participant a slot, mark or word names. pid 0 (and alive false) when its entry was freed or
 * refilled since: the entry's new holder is never reported in its place.
 */
export interface OwnerInfo {
  readonly participant: number;
  readonly pid: number;
  readonly alive: boolean;
}
export interface SlotDiagnosis {
  readonly index: number;
  readonly state: SlotStateName;
  readonly slotId: number;
  readonly length: number;
  /** sequential: not consumed yet. sequential-sync: readers that still have to consume it. */
  readonly pending: boolean;
  readonly pendingReaders: OwnerInfo[];
  readonly writer: OwnerInfo | null;
  readonly readers: OwnerInfo[];
}
export interface ConsumerDiagnosis extends OwnerInfo {
  /** Next slotId this consumer will read (latest-only: last seen + 1). */
  readonly position: number;
  /** Slot index it holds, or null. */
  readonly heldSlot: number | null;
  /** sequential-sync: counted in the active-reader mask the producer waits for. */
  readonly syncActive: boolean;
}
export interface Diagnosis {
  readonly policy: string;
  readonly slotCount: number;
  readonly slotSize: number;
  /** slotId of the next commit (= number of commits so far). */
  readonly nextSlotId: number;
  readonly endOfStream: boolean;
  readonly producer: OwnerInfo | null;
  readonly consumers: ConsumerDiagnosis[];
  readonly slots: SlotDiagnosis[];
  readonly participants: ParticipantInfo[];
}
export interface ReclaimResult {
  readonly index: number;
  /**
   * 'freed': WRITING -> FREE; 'restored': DRAINING -> COMMITTED; 'none': nothing to reclaim
   * (also when a new producer took the slot over meanwhile; previousState is then its state now).
   */
  readonly action: 'freed' | 'restored' | 'none';
  readonly previousState: SlotStateName;
  readonly owner: OwnerInfo | null;
}
export interface ZombieReleaseResult {
  /** Participants whose marks were cleared, with the number of reader marks each held. */
  readonly released: Array<OwnerInfo & { readonly readerMarks: number }>;
}
export interface CleanupResult {
  readonly removed: Array<OwnerInfo & { readonly role: string }>;
}
