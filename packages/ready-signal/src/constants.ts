/** Environment variable holding the child's fd number of the ready pipe (child → parent). */
export const READY_FD_ENV = 'PLH_TEST_READY_FD';
/** Environment variable holding the child's fd number of the release pipe (parent → child). */
export const RELEASE_FD_ENV = 'PLH_TEST_RELEASE_FD';
/** Windows only (unverified): a named pipe path the child connects to instead of an fd. */
export const READY_HANDLE_ENV = 'PLH_TEST_READY_HANDLE';

/** Default upper bound of the parent's wait for a child's ready or checkpoint, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default upper bound of the child's wait for its parent's release (waitForRelease), in milliseconds. */
export const DEFAULT_RELEASE_TIMEOUT_MS = 30_000;
/** Largest delay setTimeout accepts; longer timeouts are clamped to it. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
