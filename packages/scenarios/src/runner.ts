import { performance } from 'node:perf_hooks';
import type { WorkerPool } from '@plh/worker-process';
import { createScenarioContext } from './context.js';
import { warmPool } from './warm.js';
import type { Scenario } from './scenario.js';
import { writeTimeline } from './timeline.js';

export interface ScenarioResult {
  name: string;
  processes: number;
  ok: boolean;
  durationMs: number;
  /** Iteration number, from 1, when a scenario is repeated. */
  iteration: number;
  error?: string;
}

export interface RunOptions {
  /** Runs every scenario this many times (default 1). */
  repeat?: number;
  /** Upper bound for each wait inside a scenario (default 15 s). */
  waitMs?: number;
  /** Writes a sequence diagram of each run's processes there (NAME.txt and NAME.mmd). */
  timelineDir?: string;
  /** Called after each scenario run, e.g. to print progress. */
  onResult?: (result: ScenarioResult) => void;
  /** Warm workers (warm.ts): processes started ahead, each still runs one worker (default false). */
  warm?: boolean;
}

const DEFAULT_SCENARIO_TIMEOUT_MS = 60_000;

/** Runs one scenario in a fresh context; always disposes the context, whatever happened. */
export async function runScenario(
  scenario: Scenario,
  options: { waitMs?: number; iteration?: number; pool?: WorkerPool; timelineDir?: string } = {},
): Promise<ScenarioResult> {
  const ctx = createScenarioContext({ waitMs: options.waitMs ?? 15_000, pool: options.pool });
  const started = performance.now();
  let error: string | undefined;
  const limitMs = scenario.timeoutMs ?? DEFAULT_SCENARIO_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    // The timer only turns a hang into a failure; it never orders anything.
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`scenario did not finish within ${limitMs} ms`)),
        limitMs,
      );
    });
    await Promise.race([scenario.run(ctx), hang]);
  } catch (err) {
    error = describe(err);
  } finally {
    clearTimeout(timer);
  }
  const durationMs = performance.now() - started;
  try {
    await ctx.dispose();
  } catch (err) {
    error ??= `cleanup failed: ${describe(err)}`;
  }
  if (options.timelineDir !== undefined) writeTimeline(options.timelineDir, scenario.name, options.iteration ?? 1, ctx.workers);
  return {
    name: scenario.name,
    processes: scenario.processes,
    ok: error === undefined,
    durationMs,
    iteration: options.iteration ?? 1,
    ...(error === undefined ? {} : { error }),
  };
}

/** Runs scenarios one after the other (they spawn processes; 2 cores are shared). */
export async function runScenarios(
  scenarios: readonly Scenario[],
  options: RunOptions = {},
): Promise<ScenarioResult[]> {
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new RangeError(`repeat must be a positive integer, got ${repeat}`);
  }
  const results: ScenarioResult[] = [];
  // As many warm processes as the largest scenario has workers (the parent is one of its processes).
  const pool = options.warm ? warmPool(Math.max(...scenarios.map((s) => s.processes - 1))) : undefined;
  try {
    for (let iteration = 1; iteration <= repeat; iteration++) {
      for (const scenario of scenarios) {
        const result = await runScenario(scenario, { waitMs: options.waitMs, iteration, pool, timelineDir: options.timelineDir });
        results.push(result);
        options.onResult?.(result);
      }
    }
  } finally {
    await pool?.close();
  }
  return results;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return `${typeof code === 'string' ? `[${code}] ` : ''}${err.message}`;
  }
  return String(err);
}
