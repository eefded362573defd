import { readFileSync, readlinkSync } from 'node:fs';
import { DataBlockError } from '../errors.js';

/**
 * Who a participant is, and whether another one is alive. A participant is a THREAD: its pid,
 * its tid (the main thread's tid is the pid) and the thread's start time (field 22 of
 * /proc/<pid>/task/<tid>/stat, clock ticks since boot), so that two worker threads of one
 * process are two participants, and a terminated worker thread is dead while its process lives.
 * An identity is alive iff that stat file exists, the thread is not a zombie, and its start time
 * matches (tids and pids are reused). When the file cannot be read for another reason than
 * ENOENT/ESRCH (e.g. EMFILE), liveness is unknown and taken as alive: nothing of a live
 * participant is ever taken on a guess.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: number;
  /** Thread id (Linux tid); absent or equal to `pid` for a process's main thread. */
  readonly tid?: number;
}

interface StatFields {
  state: string;
  startTime: number;
}

const UNKNOWN: StatFields = Object.freeze({ state: '?', startTime: -1 });

function readStatFile(path: string): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
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

function validId(id: number): boolean {
  return Number.isSafeInteger(id) && id > 0;
}

/** Stat of thread `tid` of `pid` (the process's stat for its main thread). */
function readStat(pid: number, tid: number = pid): StatFields | undefined {
  if (!validId(pid) || !validId(tid)) return undefined;
  return readStatFile(tid === pid ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`);
}

const dead = (s: StatFields): boolean => s.state === 'Z' || s.state === 'X' || s.state === 'x';

/** Start time of `pid` (of its thread `tid` when given) in clock ticks since boot, or undefined. */
export function readStartTime(pid: number, tid?: number): number | undefined {
  const stat = readStat(pid, tid);
  return stat === undefined || stat === UNKNOWN ? undefined : stat.startTime;
}

function systemError(what: string): DataBlockError {
  return new DataBlockError(
    'ERR_DATABLOCK_SYSTEM',
    `cannot read ${what} to learn this thread's identity (out of file descriptors, or no /proc?): free some descriptors and retry`,
  );
}

/** This thread's tid: /proc/thread-self links to '<pid>/task/<tid>' (no native code needed). */
function readTid(): number {
  let link: string;
  try {
    link = readlinkSync('/proc/thread-self');
  } catch {
    throw systemError('/proc/thread-self');
  }
  const tid = Number(link.slice(link.lastIndexOf('/') + 1));
  if (!validId(tid)) throw systemError('/proc/thread-self');
  return tid;
}

// Module state is per thread (every worker thread loads its own copy of this module).
let self: ProcessIdentity | undefined;
let selfProcess: ProcessIdentity | undefined;

/** The identity of the calling thread (cached per thread). */
export function selfIdentity(): ProcessIdentity {
  if (self === undefined || self.pid !== process.pid) {
    const pid = process.pid;
    const tid = readTid();
    const startTime = readStartTime(pid, tid);
    // Registering without a start time would make this thread look dead to every other one.
    if (startTime === undefined) throw systemError(`/proc/${pid}/task/${tid}/stat`);
    self = Object.freeze({ pid, tid, startTime });
  }
  return self;
}

/** The identity of this process (its main thread): what segment headers record as creator. */
export function processIdentity(): ProcessIdentity {
  if (selfProcess === undefined || selfProcess.pid !== process.pid) {
    const startTime = readStartTime(process.pid);
    if (startTime === undefined) throw systemError(`/proc/${process.pid}/stat`);
    selfProcess = Object.freeze({ pid: process.pid, tid: process.pid, startTime });
  }
  return selfProcess;
}

/**
 * True iff thread (or process) `id` exists and is not a zombie. /proc/<tid> resolves threads of
 * every process. No start time to compare: use it only where a reused id can cost a retry,
 * never correctness (the claimers and marks-lock holders of the participants table).
 */
export function pidAlive(id: number): boolean {
  const stat = validId(id) ? readStatFile(`/proc/${id}/stat`) : undefined;
  return stat !== undefined && !dead(stat);
}

/** True iff the thread still exists, is not a zombie, and started at `startTime`. */
export function isAlive(identity: ProcessIdentity): boolean {
  const stat = readStat(identity.pid, identity.tid);
  if (stat === undefined) return false;
  if (stat === UNKNOWN) return true;
  return !dead(stat) && stat.startTime === identity.startTime;
}
