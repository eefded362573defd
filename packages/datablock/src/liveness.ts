import { readFileSync } from 'node:fs';
import { DataBlockError } from './errors.js';

/**
 * A process identity that survives PID reuse: the PID plus its start time (field 22 of
 * /proc/<pid>/stat, clock ticks since boot). A participant is alive iff /proc/<pid>/stat exists,
 * the process is not a zombie, and its start time matches. When /proc/<pid>/stat cannot be read
 * for another reason than ENOENT/ESRCH (e.g. EMFILE), liveness is unknown and taken as alive.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: number;
}

interface StatFields {
  state: string;
  startTime: number;
}

/**
 * Returned when /proc cannot be read for another reason than the process being gone (e.g. out of
 * file descriptors): liveness is then unknown, and every caller treats unknown as alive, since a
 * live participant taken for dead would have its marks and entry taken.
 */
const UNKNOWN: StatFields = Object.freeze({ state: '?', startTime: -1 });

function readStat(pid: number): StatFields | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ESRCH' ? undefined : UNKNOWN;
  }
  // Field 2 (comm) is in parentheses and may contain spaces and ')': split after the LAST ')'.
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const state = rest[0];
  const start = Number(rest[22 - 3]);
  if (state === undefined || !Number.isSafeInteger(start)) return undefined;
  return { state, startTime: start };
}

/** Start time of `pid` in clock ticks since boot, or undefined when it does not exist. */
export function readStartTime(pid: number): number | undefined {
  const stat = readStat(pid);
  return stat === undefined || stat === UNKNOWN ? undefined : stat.startTime;
}

let self: ProcessIdentity | undefined;

/** The identity of this process (cached). */
export function selfIdentity(): ProcessIdentity {
  if (self === undefined || self.pid !== process.pid) {
    const startTime = readStartTime(process.pid);
    if (startTime === undefined) {
      // Registering without a start time would make this process look dead to every other one.
      throw new DataBlockError(
        'ERR_DATABLOCK_SYSTEM',
        `cannot read /proc/${process.pid}/stat to learn this process's start time (out of file descriptors, or no /proc?): free some descriptors and retry`,
      );
    }
    self = Object.freeze({ pid: process.pid, startTime });
  }
  return self;
}

/**
 * True iff process `pid` exists and is not a zombie (no start time to compare: use it only where
 * a reused pid can cost a retry, never correctness).
 */
export function pidAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X' && stat.state !== 'x';
}

/** True iff the process still exists, is not a zombie, and started at `startTime`. */
export function isAlive(identity: ProcessIdentity): boolean {
  const stat = readStat(identity.pid);
  if (stat === undefined) return false;
  if (stat === UNKNOWN) return true;
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return stat.startTime === identity.startTime;
}
