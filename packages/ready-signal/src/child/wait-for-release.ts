import { boundedWait } from '../arguments/bounded-wait.js';
import { normalizeWaitOptions, type WaitOptions } from '../arguments/wait-options.js';
import { DEFAULT_RELEASE_TIMEOUT_MS, RELEASE_FD_ENV } from '../constants.js';
import { checkFd } from './check-fd.js';
import { ReleaseGate } from './release-gate.js';
import { childState } from './state.js';

/**
 * Waits until the parent calls release() (one release per call, in order). Resolves at once when
 * PLH_TEST_RELEASE_FD is unset (no parent: nothing to wait for). Rejects with
 * ERR_READY_PARENT_GONE on EOF, ERR_READY_TIMEOUT, ERR_READY_ABORTED or ERR_READY_BAD_FD.
 */
export async function waitForRelease(options?: WaitOptions): Promise<void> {
  const normalized = normalizeWaitOptions(options, 'waitForRelease()', DEFAULT_RELEASE_TIMEOUT_MS);
  const state = childState();
  if (state.releaseFdText === undefined) return;
  if (state.release === undefined) {
    const fd = checkFd(RELEASE_FD_ENV, state.releaseFdText);
    state.release = new ReleaseGate(fd);
  }
  const gate = state.release;
  return boundedWait<void>(
    normalized,
    {
      timeout: (ms) => `The parent did not release this process within ${ms} ms. Make the parent call release() on its ReadySignalParent, or raise timeoutMs.`,
      aborted: 'waitForRelease() was aborted.',
    },
    (settler) => gate.wait(settler),
  );
}
