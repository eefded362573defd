import { columns, formatMs } from '../stress/format.js';
import type { CompareReport, SideFigures } from './compare.js';

function rate(s: SideFigures): string {
  return `${s.failures}/${s.runs} (${(s.failureRate * 100).toFixed(1)}%)`;
}

/** Side by side: failure rate and wall time of the sleep-based baseline and the signal-based version. */
export function formatCompare(report: CompareReport): string {
  const rows = report.pairs.flatMap((p) => [
    [p.label, 'baseline (sleeps)', rate(p.baseline), formatMs(p.baseline.p50Ms), formatMs(p.baseline.p99Ms)],
    ['', `signals (${p.signal.scenario})`, rate(p.signal), formatMs(p.signal.p50Ms), formatMs(p.signal.p99Ms)],
  ]);
  const out = [columns(['scenario', 'version', 'failures', 'p50 wall', 'p99 wall'], rows)];
  for (const p of report.pairs) {
    for (const side of [p.baseline, p.signal]) for (const e of side.errors) out.push(`  ${side.scenario}: ${e}`);
  }
  out.push('', `compare: ${report.pairs.length} pairs x ${report.repeat} runs under ${report.hogs} hogs (baseline = the seed's sleep-based version, kept only for this comparison; signals on ${report.warm ? 'warm workers, as `plh-scenarios run`; --cold for cold ones' : 'cold workers (--cold)'})`);
  return out.join('\n');
}
