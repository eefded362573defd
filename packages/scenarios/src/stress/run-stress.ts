import type { Scenario } from '../scenario.js';
import { runScenarios, type ScenarioResult } from '../runner.js';
import { summarise, type ScenarioSummary } from '../report.js';
import { allowGracefulStop, throwIfStopped } from './guard.js';
import { withLoad } from './load.js';

export interface StressOptions {
  repeat: number;
  hogs: number;
  memoryTight?: boolean;
  /** Called after each run (progress). */
  onResult?: (result: ScenarioResult) => void;
  log?: (line: string) => void;
}

export interface StressReport {
  scenarios: number;
  repeat: number;
  hogs: number;
  memoryBytes: number;
  runs: number;
  failures: number;
  wallMs: number;
  summaries: ScenarioSummary[];
  results: ScenarioResult[];
}

/** Runs every scenario `repeat` times (interleaved, like `run --repeat`) while hogs load every core. */
export async function runStress(scenarios: readonly Scenario[], options: StressOptions): Promise<StressReport> {
  const started = performance.now();
  return withLoad({ hogs: options.hogs, memoryTight: options.memoryTight, log: options.log }, async (load) => {
    const release = allowGracefulStop();
    let results: ScenarioResult[];
    try {
      results = await runScenarios(scenarios, {
        repeat: options.repeat,
        onResult: (r) => {
          options.onResult?.(r);
          throwIfStopped(); // after the run's own cleanup: nothing is left half-done
        },
      });
    } finally {
      release();
    }
    const summaries = summarise(results);
    return {
      scenarios: scenarios.length,
      repeat: options.repeat,
      hogs: load.hogs,
      memoryBytes: load.memoryBytes,
      runs: results.length,
      failures: results.filter((r) => !r.ok).length,
      wallMs: performance.now() - started,
      summaries,
      results,
    };
  });
}
