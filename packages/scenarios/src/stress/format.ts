import type { ScenarioSummary } from '../report.js';
import type { StressReport } from './run-stress.js';

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Rows of equal-width columns. */
export function columns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function row(s: ScenarioSummary): string[] {
  return [s.name, `${s.failures}/${s.runs}`, formatMs(s.p50Ms), formatMs(s.p99Ms), formatMs(s.maxMs)];
}

/** The summary line, e.g. `stress: 11 scenarios x 200 runs under 4 hogs: 0 failures`. */
export function stressSummaryLine(report: StressReport): string {
  const memory = report.memoryBytes > 0 ? ` and ${(report.memoryBytes / 1024 ** 3).toFixed(1)} GiB held` : '';
  return `stress: ${report.scenarios} scenarios x ${report.repeat} runs under ${report.hogs} hogs${memory}: ${report.failures} failures (${formatMs(report.wallMs)})`;
}

export function formatStress(report: StressReport): string {
  const out = [columns(['scenario', 'failures', 'p50', 'p99', 'max'], report.summaries.map(row))];
  for (const s of report.summaries) {
    for (const error of s.errors) out.push(`  ${s.name}: ${error.split('\n').join('\n    ')}`);
  }
  out.push('', stressSummaryLine(report));
  return out.join('\n');
}
