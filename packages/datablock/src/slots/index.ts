// The slot protocol layer's exports (Producer, Consumer, slots, checksums, recovery types).
export { Producer } from './producer.js';
export { Consumer } from './consumer.js';
export { WriteSlot } from './write-slot.js';
export { ReadSlot } from './read-slot.js';
export { crc32, crc32c } from './checksum.js';
export { MAX_SYNC_READERS, MAX_READER_INDEX } from './constants.js';
export type { SlotStateName } from './constants.js';
export type { AcquireOptions, AcquireAsyncOptions, ProducerOptions, ConsumerOptions, SlotFiller, SlotVisitor } from './options.js';
export type {
  Diagnosis, SlotDiagnosis, ConsumerDiagnosis, OwnerInfo, ReclaimResult, ZombieReleaseResult, CleanupResult, RecoveryOptions,
} from './recovery.js';
