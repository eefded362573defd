// The public API of @plh/datablock.
export { DataBlock } from './block/datablock.js';
export type { DataBlockAttachOptions, DataBlockCreateOptions, DataBlockExpect } from './block/options.js';
export { DataBlockMutex, DEFAULT_ATTACH_TIMEOUT_MS } from './mutex/datablock-mutex.js';
export type { DataBlockMutexAttachOptions, DataBlockMutexCreateOptions } from './mutex/datablock-mutex.js';
export { RobustMutex, ASYNC_SLICE_MS } from './mutex/robust-mutex.js';
export type { LockAsyncOptions, LockOptions, LockResult, MutexGuard, MutexState } from './mutex/robust-mutex.js';
export { DataBlockError, DATABLOCK_ERROR_CODES, isDataBlockError } from './errors.js';
export type { DataBlockErrorCode, ObjectKind } from './errors.js';
export type { BlockLayout, MutexLayout } from './layout/validate.js';
export type { ChecksumKind, ChecksumPolicy, Policy } from './layout/constants.js';
export { isAlive, readStartTime, selfIdentity } from './participants/identity.js';
export type { ProcessIdentity } from './participants/identity.js';
export type { ParticipantInfo, ParticipantRole } from './participants/table.js';
export { validateName, maxNameLength } from './names.js';
export { listSegments, inspectSegment, gcSegments } from './inspect/index.js';
export type { SegmentSummary, SegmentReport, GcResult } from './inspect/index.js';
export { Producer, Consumer, WriteSlot, ReadSlot, crc32, crc32c, MAX_SYNC_READERS, MAX_READER_INDEX } from './slots/index.js';
export type {
  SlotStateName, AcquireOptions, AcquireAsyncOptions, ProducerOptions, ConsumerOptions, SlotFiller, SlotVisitor, Diagnosis, SlotDiagnosis,
  ConsumerDiagnosis, OwnerInfo, ReclaimResult, ZombieReleaseResult, CleanupResult, RecoveryOptions,
} from './slots/index.js';
