// Benchmark harness: every benchmark measures plh side by side with the alternatives a user
// would pick, in one run, and reports ratios (these machines are shared and noisy).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentile } from '../report.js';

export interface BenchOptions {
  /** Short form for CI: fewer samples, same code paths. */
  quick: boolean;
}

export interface BenchTable {
  title: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Lines printed under the table: goals, verdicts, settings the run used. */
  notes: string[];
  /** Raw figures, written to JSON. */
  data: Record<string, unknown>;
  /** Goals of issue 12 this benchmark measured, gathered into one table at the end of the run. */
  goals?: Goal[];
}

/** One performance goal: what is measured, the bar, and where this run stands. */
export interface Goal {
  measure: string;
  goal: string;
  /** null: not measured in this run (`value` says why). */
  met: boolean | null;
  value: string;
}

export const verdict = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : 'NOT met');

/** The closing table of a bench run: every goal, met / NOT met, with this run's figure. */
export function goalsTable(goals: readonly Goal[]): BenchTable {
  return {
    title: 'Goals (issue 12; ratios from this run)',
    columns: ['measure', 'goal', 'this run', 'verdict'],
    rows: goals.map((g) => [g.measure, g.goal, g.value, verdict(g.met)]),
    notes: [],
    data: { goals },
  };
}

/** Median and spread (max/min) of repeated measures of one figure. */
export interface Repeated {
  runs: number[];
  median: number;
  spread: number;
}

export function repeated(runs: readonly number[]): Repeated {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const spread = sorted.length === 0 || sorted[0] === 0 ? 0 : sorted[sorted.length - 1]! / sorted[0]!;
  return { runs: [...runs], median, spread };
}

export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchTable>;
}

export interface SampleStats {
  n: number;
  min: number;
  p50: number;
  p99: number;
  mean: number;
}

export function sampleStats(samples: readonly number[]): SampleStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    min: sorted[0] ?? 0,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean,
  };
}

export function markdownTable(table: BenchTable): string {
  const cells = (row: Array<string | number>) => `| ${row.map(String).join(' | ')} |`;
  return [
    `### ${table.title}`,
    '',
    cells(table.columns),
    cells(table.columns.map(() => '---')),
    ...table.rows.map(cells),
    '',
    ...table.notes.map((note) => `- ${note}`),
    ...(table.goals ?? []).map((g) => `- goal: ${g.measure} ${g.goal} — ${verdict(g.met)} (${g.value})`),
  ].join('\n');
}

export function writeBenchJson(dir: string, name: string, table: BenchTable): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const record = {
    name,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    glibcTunables: process.env.GLIBC_TUNABLES ?? null,
    ...table,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export const formatUs = (ns: number): string => (ns / 1000).toFixed(1);
export const ratio = (a: number, b: number): string => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}x`);
