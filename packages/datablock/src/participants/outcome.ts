/**
 * The one outcome type of the participant lifecycle, and its one retry bound. Every caller that
 * asks about someone else's entry (register, unregister, a producer or sequential consumer
 * taking over a word, a producer dropping dead readers, recovery, diagnose) gets one of these.
 */
export type Outcome =
  /** The participant (the identity the caller asked about) is alive and holds the entry. */
  | 'alive'
  /** It is gone: its entry is free, holds another participant now, or its thread died. */
  | 'dead'
  /** Another live thread is claiming, freeing or reaping that entry right now: retry soon. */
  | 'busy'
  /** Its marks were cleared (reap) or its word was taken over. */
  | 'cleared';

/**
 * Upper bound on looking again while another live thread holds a brief claim or the marks lock
 * of an entry we need (those last microseconds, unless that thread is descheduled). After it the
 * caller reports its typed error (ERR_DATABLOCK_PARTICIPANTS_FULL, ERR_DATABLOCK_TIMEOUT,
 * ERR_DATABLOCK_OWNER_ALIVE).
 */
export const RETRY_BOUND_MS = 1000;

/**
 * Runs `attempt` until it returns something other than 'busy', for at most RETRY_BOUND_MS;
 * then returns 'busy'.
 */
export function retryWhileBusy<T>(attempt: () => T | 'busy'): T | 'busy' {
  const until = performance.now() + RETRY_BOUND_MS;
  for (;;) {
    const r = attempt();
    if (r !== 'busy' || performance.now() > until) return r;
  }
}
