import { columns, formatMs } from '../stress/format.js';
import type { FuzzReport } from './run-fuzz.js';

export function fuzzCrashCount(report: FuzzReport): number {
  return report.failures.length;
}

function count(report: FuzzReport, kind: 'crash' | 'hang' | 'exception'): number {
  return report.failures.filter((f) => f.kind === kind).length;
}

/** Outcomes by code (most frequent first), the failures with their seed and case, the summary line. */
export function formatFuzz(report: FuzzReport): string {
  const rows = Object.entries(report.outcomes)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([outcome, count]) => [outcome, String(count), `${((count / Math.max(1, report.cases)) * 100).toFixed(1)}%`]);
  const out = [columns(['outcome', 'cases', 'share'], rows)];
  for (const f of report.failures) {
    out.push(`  ${f.kind.toUpperCase()} seed ${report.seed} case ${f.index}: ${f.detail}`, `    corruption: ${f.steps.join('; ')}`,
      `    replay: plh-scenarios fuzz --seed ${report.seed} --case ${f.index}`);
  }
  out.push(
    '',
    `fuzz: ${report.cases} cases (seed ${report.seed}) in ${report.processes} attach processes, ${formatMs(report.wallMs)}: ` +
      `${fuzzCrashCount(report)} crashes (${count(report, 'crash')} process deaths, ${count(report, 'hang')} hangs, ` +
      `${count(report, 'exception')} untyped exceptions), ${report.leftBehind} segments left behind`,
  );
  return out.join('\n');
}
