import type { ScenarioResult } from './runner.js';

export interface ScenarioSummary {
  name: string;
  processes: number;
  runs: number;
  failures: number;
  p50Ms: number;
  /** 99th percentile of the run times (equals maxMs below 100 runs). */
  p99Ms: number;
  maxMs: number;
  errors: string[];
}

export function summarise(results: readonly ScenarioResult[]): ScenarioSummary[] {
  const byName = new Map<string, ScenarioResult[]>();
  for (const result of results) {
    const list = byName.get(result.name) ?? [];
    list.push(result);
    byName.set(result.name, list);
  }
  return [...byName.entries()].map(([name, runs]) => {
    const times = runs.map((run) => run.durationMs).sort((a, b) => a - b);
    return {
      name,
      processes: runs[0]?.processes ?? 0,
      runs: runs.length,
      failures: runs.filter((run) => !run.ok).length,
      p50Ms: percentile(times, 0.5),
      p99Ms: percentile(times, 0.99),
      maxMs: times[times.length - 1] ?? 0,
      errors: [...new Set(runs.flatMap((run) => (run.error ? [run.error] : [])))],
    };
  });
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? 0;
}

/** A plain-text table: scenario, processes, result, time; then a summary line. */
export function formatTable(summaries: readonly ScenarioSummary[]): string {
  const rows = summaries.map((s) => [
    s.name,
    String(s.processes),
    s.failures === 0 ? (s.runs > 1 ? `ok (${s.runs}/${s.runs})` : 'ok') : `FAIL (${s.failures}/${s.runs})`,
    s.runs > 1 ? `p50 ${formatMs(s.p50Ms)}, max ${formatMs(s.maxMs)}` : formatMs(s.p50Ms),
  ]);
  const header = ['scenario', 'processes', 'result', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const s of summaries) {
    for (const error of s.errors) out.push(`  ${s.name}: ${error.split('\n').join('\n    ')}`);
  }
  const runs = summaries.reduce((n, s) => n + s.runs, 0);
  const failures = summaries.reduce((n, s) => n + s.failures, 0);
  const failed = summaries.filter((s) => s.failures > 0).length;
  out.push(
    '',
    failures === 0
      ? `${summaries.length} scenarios, ${runs} runs, all passed`
      : `${summaries.length} scenarios, ${runs} runs, ${failures} failed runs in ${failed} scenarios`,
  );
  return out.join('\n');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}
