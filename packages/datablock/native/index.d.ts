// Typings of the @plh/datablock-native binding (Linux only). Mechanisms only: policy lives in @plh/datablock.

/** Error thrown by a failing syscall: `code` is the errno name ('EEXIST', 'ENOENT', 'ENOSPC', ...). */
export interface ErrnoError extends Error {
  code: string;
  errno: number;
  syscall: string;
}

/**
 * Creates a POSIX shared memory segment: shm_open(O_CREAT|O_EXCL|O_RDWR), fchmod(mode) (so the
 * umask does not apply), ftruncate(size), posix_fallocate (a full /dev/shm is ENOSPC here, not
 * SIGBUS later). On failure the segment is unlinked again. Returns the fd (close-on-exec).
 * `name` is a full POSIX name: '/' followed by 1..254 bytes without '/'.
 * @throws ErrnoError (EEXIST, EINVAL, ENAMETOOLONG, ENOSPC, EACCES, EMFILE, ...), RangeError for size < 1 or mode > 0o7777
 */
export function shmCreate(name: string, size: number, mode: number): number;
/** shm_open(O_RDWR or O_RDONLY). Returns the fd. @throws ErrnoError (ENOENT, EACCES, EINVAL, ...) */
export function shmOpen(name: string, writable: boolean): number;
/** shm_unlink. @throws ErrnoError (ENOENT, ...) */
export function shmUnlink(name: string): void;
/** fstat(fd).st_size. */
export function fdSize(fd: number): number;
/** fstat(fd): owner uid and permission bits (st_mode & 0o7777). */
export function fdOwner(fd: number): { uid: number; mode: number };
/** close(fd). @throws ErrnoError EBADF */
export function fdClose(fd: number): void;
/** _exit(code) at once: no cleanup, no exit handlers, locks stay held (zombie-owner scenarios). */
export function exit(code?: number): never;

/**
 * mmap(MAP_SHARED) of bytes [0, size) of an fd (size must not exceed the fd's size). The fd may be
 * closed afterwards. Offsets are checked: a bad one throws a RangeError (code ERR_OUT_OF_RANGE);
 * every method of a closed Mapping throws an Error with code 'ERR_MAPPING_CLOSED'.
 */
export class Mapping {
  constructor(fd: number, size: number, writable: boolean);
  readonly size: number;
  readonly closed: boolean;
  /**
   * An external ArrayBuffer over [offset, offset+length) of the mapping: zero-copy, shared with
   * every process mapping the segment. Detached (byteLength 0) by close(). Creating one costs
   * microseconds: make views once, not per operation. Length 0 is allowed. A length V8 refuses
   * (over 4 GiB) throws ERR_BUFFER_TOO_LARGE. Writing through a buffer of a read-only mapping
   * kills the process with SIGSEGV: only read it.
   */
  buffer(offset: number, length: number): ArrayBuffer;
  /** Detaches one buffer handed out by this mapping (debug mode). Throws ERR_INVALID_ARG_VALUE for any other buffer. */
  detach(buffer: ArrayBuffer): void;
  /**
   * Detaches every live buffer, makes pending futexWaitAsync promises reject with
   * ERR_MAPPING_CLOSED, then munmaps once. Idempotent. A Mapping that is garbage collected
   * without close() is unmapped only if it never handed out a buffer; otherwise it leaks until exit.
   */
  close(): void;
  /** Initialises a robust, process-shared, error-checking pthread mutex at offset (8-aligned, pthreadMutexSize bytes). */
  mutexInit(offset: number): void;
  /**
   * Locks; timeoutMs < 0 or Infinity waits forever, otherwise a CLOCK_MONOTONIC deadline.
   * Returns 0 | EOWNERDEAD (locked; the owner died: call mutexConsistent, repair, unlock) |
   * ETIMEDOUT | ENOTRECOVERABLE | EDEADLK (already held by this thread). Blocks the calling thread.
   */
  mutexLock(offset: number, timeoutMs: number): number;
  /** Returns 0 | EBUSY | EOWNERDEAD | ENOTRECOVERABLE. */
  mutexTryLock(offset: number): number;
  /** Returns 0 | EPERM (not the owner). Unlocking after EOWNERDEAD without mutexConsistent makes it ENOTRECOVERABLE for ever. */
  mutexUnlock(offset: number): number;
  /** pthread_mutex_consistent: 0, or EINVAL when the mutex is not in the owner-died state. */
  mutexConsistent(offset: number): number;
  /**
   * FUTEX_WAIT (shared, not private) on the 32-bit word at offset (4-aligned) while it equals
   * expected (int32 or uint32). Returns 0 (woken, possibly spuriously: re-check the word) |
   * EAGAIN (the word differed) | ETIMEDOUT. Blocks the calling thread; EINTR is retried.
   */
  futexWait(offset: number, expected: number, timeoutMs: number): number;
  /**
   * futexWait on a libuv threadpool thread (the event loop keeps running). Each pending wait
   * occupies one of the UV_THREADPOOL_SIZE (default 4) threads. Rejects with ERR_MAPPING_CLOSED
   * when the mapping is closed meanwhile.
   */
  futexWaitAsync(offset: number, expected: number, timeoutMs: number): Promise<number>;
  /** FUTEX_WAKE up to count waiters (Infinity = all); returns how many were woken. */
  futexWake(offset: number, count: number): number;
}

/** One datagram received by a NotifySocket, with the sender's credentials (SCM_CREDENTIALS). */
export interface NotifyMessage {
  /** Sender's pid (as seen from this process's pid namespace). */
  pid: number;
  /** Sender's uid. */
  uid: number;
  /** The datagram as UTF-8 text (sd_notify: newline-separated KEY=VALUE lines such as "READY=1"). */
  text: string;
}

/**
 * The receiving end of the sd_notify protocol: an AF_UNIX SOCK_DGRAM socket bound at a filesystem
 * `path` with SO_PASSCRED (give it to a child as NOTIFY_SOCKET), watched on the event loop
 * (uv_poll); each datagram reaches `onMessage` on the JS thread. File descriptors sent along
 * (systemd-notify's BARRIER=1) are closed at once; datagrams over 64 KiB are dropped. A throwing
 * `onMessage` is an uncaught exception. Keeps the process alive while open, unless unref()'d.
 * @throws ErrnoError with code ENAMETOOLONG (path over 107 bytes), EINVAL (empty, NUL, '@...'),
 *   EADDRINUSE (path exists), ENOENT / ENOTDIR (no such directory), EACCES; TypeError
 *   ERR_INVALID_ARG_TYPE for a non-string path or a non-function onMessage.
 */
export class NotifySocket {
  constructor(path: string, onMessage: (message: NotifyMessage) => void);
  readonly path: string;
  /** Stops watching, closes the socket and unlinks its path (if it is still a socket). Idempotent. */
  close(): void;
  /** Keeps the event loop alive while open (the default). */
  ref(): void;
  /** Lets the process exit while the socket is open. */
  unref(): void;
}

/** errno numbers returned by the mutex and futex methods (Linux values). */
export const errno: Readonly<{
  EOWNERDEAD: number;
  ETIMEDOUT: number;
  EAGAIN: number;
  EBUSY: number;
  EPERM: number;
  ENOTRECOVERABLE: number;
  EDEADLK: number;
  EINTR: number;
  EINVAL: number;
  EEXIST: number;
  ENOENT: number;
  ENOSPC: number;
  EACCES: number;
  ENAMETOOLONG: number;
  EMFILE: number;
}>;
/** sizeof(pthread_mutex_t) (40 on x86_64 glibc, 48 on aarch64). */
export const pthreadMutexSize: number;
/** CRC-32C (Castagnoli) of the bytes of a Uint8Array (SSE4.2 instruction when available). */
export function crc32c(data: Uint8Array): number;
/** True when crc32c uses the CPU's crc32 instruction. */
export const crc32cHardware: boolean;
/** Bumped when the binding's API changes incompatibly. */
export const abiVersion: number;
