import { performance } from 'node:perf_hooks';
import { PROGRESS_EVERY_MS } from '../progress.js';
import { CrashResources } from './cleanup.js';
import { failures, newCounters, reportProblemsTo, type CrashCounters } from './counters.js';
import { planCampaign, type PlannedRound } from './plan.js';
import { Round } from './round.js';

export interface CrashOptions {
  seed: number;
  kills: number;
  /** Kills per round (per segment). */
  perRound: number;
  /** Rounds run at the same time. */
  parallel: number;
  /** Pause between a survivor's operations, ms. */
  paceMs: number;
  /** Participant table size of every segment (default: the plan's, 12 or 64). */
  participants?: number;
  /** false: no explicit recovery calls (default true: odd generations make them). */
  explicitRecovery?: boolean;
  log?: (line: string) => void;
}

export interface CrashReport {
  seed: number;
  plannedKills: number;
  perRound: number;
  parallel: number;
  paceMs: number;
  wallMs: number;
  failures: number;
  counters: CrashCounters;
  plan: PlannedRound[];
}

/** Runs the whole campaign; resources are released on every path (also SIGINT/SIGTERM). */
export async function runCrash(options: CrashOptions): Promise<CrashReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const plan = planCampaign(options);
  const counters = newCounters();
  const resources = new CrashResources();
  resources.install(log);
  reportProblemsTo(log);
  const started = performance.now();
  let nextRound = 0;
  let lastLog = 0;
  let lastLogAt = performance.now();
  const runLoop = async () => {
    while (nextRound < plan.length) {
      const round = new Round(plan[nextRound++]!, { paceMs: options.paceMs, participants: options.participants, explicitRecovery: options.explicitRecovery, counters, resources });
      const pending = round.run();
      if (round.index === 0) log(`crash: seed ${options.seed}, ${options.kills} kills in ${plan.length} rounds; first round running (segment ${round.name})`);
      await pending;
      // Every 100 kills, and at least every PROGRESS_EVERY_MS (a CI log is never silent for long).
      const now = performance.now();
      if (counters.kills - lastLog >= 100 || now - lastLogAt >= PROGRESS_EVERY_MS || nextRound === plan.length) {
        lastLog = counters.kills;
        lastLogAt = now;
        log(`crash: ${counters.kills}/${options.kills} kills, ${failures(counters)} failures (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.parallel) }, runLoop));
  } finally {
    resources.releaseAll();
    resources.uninstall();
    reportProblemsTo(undefined);
  }
  return {
    seed: options.seed,
    plannedKills: options.kills,
    perRound: options.perRound,
    parallel: options.parallel,
    paceMs: options.paceMs,
    wallMs: performance.now() - started,
    failures: failures(counters),
    counters,
    plan,
  };
}
