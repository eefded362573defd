import { findScenarios } from '../catalog/index.js';
import { percentile } from '../report.js';
import { runScenario, type ScenarioResult } from '../runner.js';
import { warmPool } from '../warm.js';
import type { Scenario } from '../scenario.js';
import { allowGracefulStop, throwIfStopped } from '../stress/guard.js';
import { withLoad } from '../stress/load.js';
import { sleepAttacherAcquiresAfterCreator, sleepCrossProcessDataExchange } from './sleep-scenarios.js';
import { signalDataExchange } from './signal-variants.js';

export interface CompareOptions {
  repeat: number;
  hogs: number;
  /** The signal-based side runs on warm workers, as `plh-scenarios run` does (default true). */
  warm?: boolean;
  memoryTight?: boolean;
  log?: (line: string) => void;
}

export interface SideFigures {
  scenario: string;
  runs: number;
  failures: number;
  failureRate: number;
  p50Ms: number;
  p99Ms: number;
  errors: string[];
}

export interface ComparePair {
  label: string;
  baseline: SideFigures;
  signal: SideFigures;
}

export interface CompareReport {
  /** Whether the signal-based side ran on warm workers. */
  warm: boolean;
  repeat: number;
  hogs: number;
  memoryBytes: number;
  pairs: ComparePair[];
}

/** Why runs failed, counted: a DataBlockError code from the worker's stderr when there is one. */
function countReasons(results: ScenarioResult[]): string[] {
  const counts = new Map<string, number>();
  for (const r of results) {
    if (!r.error) continue;
    const reason = /ERR_DATABLOCK_[A-Z_]+/.exec(r.error)?.[0]
      ?? (/out of order/.test(r.error) ? 'acquired out of order' : r.error.split('\n')[0]!.replace(/pid \d+/g, 'pid N'));
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts].map(([reason, n]) => `${n} x ${reason}`);
}

function figures(scenario: Scenario, results: ScenarioResult[]): SideFigures {
  const times = results.map((r) => r.durationMs).sort((a, b) => a - b);
  const failures = results.filter((r) => !r.ok).length;
  return {
    scenario: scenario.name,
    runs: results.length,
    failures,
    failureRate: results.length === 0 ? 0 : failures / results.length,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    errors: countReasons(results),
  };
}

/**
 * Runs each sleep-based baseline and its signal-based counterpart alternately (baseline, signal,
 * baseline, signal, ...) under the same hogs, so both see the same load.
 */
export async function runCompare(options: CompareOptions): Promise<CompareReport> {
  const pairs: Array<{ label: string; baseline: Scenario; signal: Scenario }> = [
    { label: 'AttacherAcquiresAfterCreator', baseline: sleepAttacherAcquiresAfterCreator, signal: findScenarios(['mutex.AttacherAcquiresAfterCreator'])[0]! },
    { label: 'CrossProcessDataExchange', baseline: sleepCrossProcessDataExchange, signal: signalDataExchange() },
  ];
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  return withLoad({ hogs: options.hogs, memoryTight: options.memoryTight, log }, async (load) => {
    const results = new Map<Scenario, ScenarioResult[]>();
    const release = allowGracefulStop();
    const warm = options.warm ?? true;
    // The baselines spawn their own processes (cold, as the seed did); only spawnWorker uses the pool.
    const pool = warm ? warmPool(Math.max(...pairs.map((p) => p.signal.processes - 1))) : undefined;
    try {
      for (let iteration = 1; iteration <= options.repeat; iteration++) {
        for (const pair of pairs) {
          for (const scenario of [pair.baseline, pair.signal]) {
            const result = await runScenario(scenario, { iteration, pool: scenario === pair.signal ? pool : undefined });
            if (!result.ok) log(`FAIL ${scenario.name} #${iteration}: ${result.error?.split('\n')[0] ?? ''}`);
            results.set(scenario, [...(results.get(scenario) ?? []), result]);
            throwIfStopped();
          }
        }
      }
    } finally {
      await pool?.close();
      release();
    }
    return {
      warm,
      repeat: options.repeat,
      hogs: load.hogs,
      memoryBytes: load.memoryBytes,
      pairs: pairs.map((p) => ({
        label: p.label,
        baseline: figures(p.baseline, results.get(p.baseline) ?? []),
        signal: figures(p.signal, results.get(p.signal) ?? []),
      })),
    };
  });
}
