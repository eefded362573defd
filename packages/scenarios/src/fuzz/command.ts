import { Progress } from '../progress.js';
import { parseArgs } from '../stress/args.js';
import { formatFuzz, fuzzCrashCount } from './format.js';
import { runFuzz } from './run-fuzz.js';

export const DEFAULT_FUZZ_SEED = 20240601;

export const FUZZ_USAGE = `  fuzz [--cases N] [--seed S] [--case I] [--json]
                                        attach fresh processes to N (default 10000) seeded
                                        corruptions of valid segments; --case I replays one`;

/** `plh-scenarios fuzz ...`; exit 1 on any crash, hang or untyped exception, or a leftover segment. */
export async function fuzzCommand(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--json'],
    numbers: { '--cases': { min: 1 }, '--seed': { min: 0 }, '--case': { min: 0 }, '--batch': { min: 1 } },
  });
  const json = parsed.flags.has('--json');
  const one = parsed.numbers.get('--case');
  const cases = parsed.numbers.get('--cases') ?? 10_000;
  const progress = new Progress('fuzz', one === undefined ? cases : 1, 'cases');
  const report = await runFuzz({
    cases,
    seed: parsed.numbers.get('--seed') ?? DEFAULT_FUZZ_SEED,
    batch: parsed.numbers.get('--batch'),
    only: one === undefined ? undefined : [one],
    onProgress: json ? undefined : () => progress.step(),
  });
  if (json) console.log(JSON.stringify({ ...report, crashes: fuzzCrashCount(report) }, null, 2));
  else console.log(formatFuzz(report));
  return fuzzCrashCount(report) === 0 && report.leftBehind === 0 ? 0 : 1;
}
