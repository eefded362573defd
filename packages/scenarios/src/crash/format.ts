import { columns, formatMs } from '../stress/format.js';
import type { CrashReport } from './run-crash.js';

/** `crash: 1000 kills (seed 42): 0 corrupt accepted, 0 lost, 0 failed recoveries, 0 stuck, ...` */
export function crashSummaryLine(r: CrashReport): string {
  const c = r.counters;
  return `crash: ${c.kills} kills (seed ${r.seed}): ${c.corruptAccepted} corrupt accepted, ${c.lost} lost, ${c.failedRecoveries} failed recoveries, ${c.stuck} stuck, ` +
    `${c.mutexInconsistent} mutex inconsistencies, ${c.outOfOrder} out of order, ${c.workerErrors} worker errors (${formatMs(r.wallMs)})`;
}

export function formatCrash(r: CrashReport): string {
  const c = r.counters;
  const byPoint = Object.entries(c.killsByPoint).sort(([a], [b]) => a.localeCompare(b));
  const out = [columns(['role/point', 'kills'], byPoint.map(([k, n]) => [k, String(n)]))];
  out.push('', columns(['role', 'kills'], Object.entries(c.killsByRole).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [k, String(n)])));
  const rows: Array<[string, number, string]> = [
    ['corrupt payloads accepted', c.corruptAccepted, 'must be 0'],
    ['committed slots lost (sequential)', c.lost, 'must be 0'],
    ['slots out of order', c.outOfOrder, 'must be 0'],
    ['failed recoveries', c.failedRecoveries, 'must be 0'],
    ['stuck states', c.stuck, 'must be 0'],
    ['mutex inconsistencies without recovered', c.mutexInconsistent, 'must be 0'],
    ['worker errors', c.workerErrors, 'must be 0'],
    ['checksum rejections', c.checksumRejected, ''],
    ['mutex recoveries (recovered: true)', c.mutexRecoveries, ''],
    ['explicit recovery actions', c.explicitRecoveries, 'forceReclaimSlot / releaseZombieReaders / cleanupDeadConsumers'],
    ['slots committed (sequential)', c.committed, ''],
    ['rounds (segments) / processes', c.rounds, `${c.processes} processes`],
  ];
  out.push('', columns(['counter', 'value', ''], rows.map(([k, v, note]) => [k, String(v), note])));
  if (c.problems.length > 0) out.push('', 'problems:', ...c.problems.map((p) => `  ${p}`));
  out.push('', crashSummaryLine(r));
  return out.join('\n');
}
