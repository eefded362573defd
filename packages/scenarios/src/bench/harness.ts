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
