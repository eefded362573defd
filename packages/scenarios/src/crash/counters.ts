// What a crash campaign counts. The first group must all be 0 for the campaign to pass.

export interface CrashCounters {
  kills: number;
  /** e.g. { producer: 400, consumer: 350, mutex: 250 } */
  killsByRole: Record<string, number>;
  /** e.g. { 'producer/mid-write': 80, ... } */
  killsByPoint: Record<string, number>;
  // Must be 0:
  /** A consumer accepted a payload whose content does not match its slotId (header, length, pattern). */
  corruptAccepted: number;
  /** sequential: committed slotIds no consumer generation received (see README: how we know). */
  lost: number;
  /** A slot delivered out of order (sequential: not last+1, except one redelivery after a consumer death; latest-only: not increasing). */
  outOfOrder: number;
  /** A replacement (or survivor) could not attach, register, reclaim or make its first operation within the bound. */
  failedRecoveries: number;
  /** A wait hit its upper bound, or a slot WRITING/DRAINING or a reader mark was left behind after recovery. */
  stuck: number;
  /** The mutex-protected record was inconsistent although lock did not report recovered: true. */
  mutexInconsistent: number;
  /** A worker failed otherwise (exit code, unexpected death, error): see problems. */
  workerErrors: number;
  // Informational:
  /** Payloads the enforced checksum rejected (ERR_DATABLOCK_CHECKSUM_MISMATCH): never accepted, but each is also a lost slot. */
  checksumRejected: number;
  /** Mutex locks that reported recovered: true (and repaired the record). */
  mutexRecoveries: number;
  /** Actions of the explicit recovery calls (forceReclaimSlot, releaseZombieReaders, cleanupDeadConsumers) that odd generations make before they start. */
  explicitRecoveries: number;
  /** Slots committed (sequential rounds, from end-of-stream). */
  committed: number;
  rounds: number;
  processes: number;
  /** The first few problem lines, for the report. */
  problems: string[];
}

export const FAILURE_KEYS = ['corruptAccepted', 'lost', 'outOfOrder', 'failedRecoveries', 'stuck', 'mutexInconsistent', 'workerErrors'] as const;

export function newCounters(): CrashCounters {
  return {
    kills: 0, killsByRole: {}, killsByPoint: {}, corruptAccepted: 0, lost: 0, outOfOrder: 0, failedRecoveries: 0, stuck: 0,
    mutexInconsistent: 0, workerErrors: 0, checksumRejected: 0, mutexRecoveries: 0, explicitRecoveries: 0, committed: 0, rounds: 0, processes: 0, problems: [],
  };
}

export function failures(c: CrashCounters): number {
  return FAILURE_KEYS.reduce((n, key) => n + c[key], 0);
}

const MAX_PROBLEMS = 30;

let onProblem: ((line: string) => void) | undefined;

/** Also print each problem as it happens (the table comes at the end). */
export function reportProblemsTo(log: ((line: string) => void) | undefined): void {
  onProblem = log;
}

export function problem(c: CrashCounters, line: string): void {
  onProblem?.(`crash: ${line}`);
  if (c.problems.length < MAX_PROBLEMS) c.problems.push(line);
}
