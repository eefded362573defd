import { randomInt } from 'node:crypto';
import { parseArgs, UsageError } from '../stress/args.js';
import { formatCrash } from './format.js';
import { runCrash } from './run-crash.js';

export const CRASH_USAGE = `  crash [--kills N] [--seed S] [--per-round K] [--parallel P] [--pace-ms M]
        [--participants T] [--automatic-only] [--json]
                                        kill -9 producers, consumers and mutex owners at
                                        seeded points (default 1000 kills, random seed,
                                        25 kills per segment); replacements must recover`;

/** `plh-scenarios crash ...`; returns the exit code (1 when any must-be-zero counter is not). */
export async function crashCommand(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--json', '--automatic-only'],
    numbers: { '--kills': { min: 1 }, '--seed': { min: 0 }, '--per-round': { min: 1 }, '--parallel': { min: 1 }, '--pace-ms': { min: 0 }, '--participants': { min: 12 } },
  });
  if (parsed.names.length > 0) throw new UsageError(`crash takes no names, got '${parsed.names[0]}'`);
  const json = parsed.flags.has('--json');
  const seed = parsed.numbers.get('--seed') ?? randomInt(2 ** 31);
  if (seed > 0xffffffff) throw new UsageError(`--seed must be below 2^32, got ${seed}`);
  const report = await runCrash({
    seed,
    kills: parsed.numbers.get('--kills') ?? 1000,
    perRound: parsed.numbers.get('--per-round') ?? 25,
    parallel: parsed.numbers.get('--parallel') ?? 1,
    paceMs: parsed.numbers.get('--pace-ms') ?? 1,
    participants: parsed.numbers.get('--participants'),
    explicitRecovery: !parsed.flags.has('--automatic-only'),
    log: json ? () => {} : undefined,
  });
  if (json) console.log(JSON.stringify(report, null, 2));
  else console.log(`\n${formatCrash(report)}`);
  return report.failures === 0 && report.counters.kills === report.plannedKills ? 0 : 1;
}
