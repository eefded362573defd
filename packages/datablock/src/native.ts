// The binding's API as fixed in docs/CONTRACTS.md. The binding package ships only a minimal
// .d.ts, so the types live here; everything else in this package goes through this module.
import binding from '@plh/datablock-native';

export interface NativeMapping {
  readonly size: number;
  readonly closed: boolean;
  buffer(offset: number, length: number): ArrayBuffer;
  detach(buffer: ArrayBuffer): void;
  close(): void;
  mutexInit(offset: number): void;
  mutexLock(offset: number, timeoutMs: number): number;
  mutexTryLock(offset: number): number;
  mutexUnlock(offset: number): number;
  mutexConsistent(offset: number): number;
  futexWait(offset: number, expected: number, timeoutMs: number): number;
  futexWaitAsync(offset: number, expected: number, timeoutMs: number): Promise<number>;
  futexWake(offset: number, count: number): number;
}

export interface NativeBinding {
  shmCreate(name: string, size: number, mode: number): number;
  shmOpen(name: string, writable: boolean): number;
  shmUnlink(name: string): void;
  fdSize(fd: number): number;
  fdOwner(fd: number): { uid: number; mode: number };
  fdClose(fd: number): void;
  Mapping: new (fd: number, size: number, writable: boolean) => NativeMapping;
  errno: {
    EOWNERDEAD: number;
    ETIMEDOUT: number;
    EAGAIN: number;
    EBUSY: number;
    EPERM: number;
    ENOTRECOVERABLE: number;
    EDEADLK: number;
    EINTR: number;
  };
  pthreadMutexSize: number;
  /** CRC-32C of a byte view (SSE4.2 when available); absent in builds before it existed. */
  crc32c?: (data: Uint8Array) => number;
  crc32cHardware?: boolean;
}

export const native = binding as unknown as NativeBinding;
