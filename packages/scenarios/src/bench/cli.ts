#!/usr/bin/env node
// plh benchmarks: `node dist/bench/cli.js [names...] [--quick] [--out DIR]`.
// Prints one markdown table per benchmark and writes each as JSON (default ./bench-results).
import { resolve } from 'node:path';
import { goalsTable, markdownTable, writeBenchJson, type Benchmark, type Goal } from './harness.js';
import { slotRoundTrip } from './roundtrip.js';
import { slotThroughput } from './throughput.js';
import { mutexBench } from './mutex.js';
import { readyLatency } from './ready-latency.js';
import { readiness } from './readiness.js';

const benchmarks: Benchmark[] = [readyLatency, readiness, mutexBench, slotRoundTrip, slotThroughput];

/** Goals of issue 12 measured by other commands, listed so the table is complete. */
const OUTSIDE_GOALS: Goal[] = [
  {
    measure: '`plh-scenarios run` (all scenarios) with warm workers',
    goal: 'at most 1/3 of its wall time without them',
    met: null,
    value: 'time `plh-scenarios run` against `plh-scenarios run --cold`, one sitting, quiet machine',
  },
  {
    measure: 'mutex.AttacherAcquiresAfterCreator',
    goal: 'at least 5x faster than its sleep-based original',
    met: null,
    value: 'measured by `plh-scenarios compare`',
  },
];

async function main(argv: string[]): Promise<number> {
  let quick = false;
  let out = resolve(process.env.INIT_CWD ?? process.cwd(), 'bench-results');
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--out') out = resolve(argv[++i] ?? '.');
    else if (arg === '--list') {
      for (const b of benchmarks) console.log(`${b.name.padEnd(24)} ${b.description}`);
      return 0;
    } else if (arg.startsWith('-')) {
      console.error(`plh bench: unknown option '${arg}' (use --quick, --out DIR, --list)`);
      return 2;
    } else names.push(arg);
  }
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(`plh bench: unknown benchmark ${unknown.join(', ')}; known: ${benchmarks.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = names.length === 0 ? benchmarks : benchmarks.filter((b) => names.includes(b.name));
  const goals: Goal[] = [];
  for (const benchmark of selected) {
    process.stderr.write(`running ${benchmark.name}${quick ? ' (quick)' : ''}...\n`);
    const table = await benchmark.run({ quick });
    console.log(`${markdownTable(table)}\n`);
    goals.push(...(table.goals ?? []));
    const file = writeBenchJson(out, benchmark.name, table);
    process.stderr.write(`wrote ${file}\n`);
  }
  if (names.length === 0) goals.push(...OUTSIDE_GOALS);
  const summary = goalsTable(goals);
  console.log(markdownTable(summary));
  writeBenchJson(out, 'goals', summary);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
