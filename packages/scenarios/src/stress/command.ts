import { findScenarios } from '../catalog/index.js';
import { Progress } from '../progress.js';
import { runCompare } from '../baseline/compare.js';
import { formatCompare } from '../baseline/format.js';
import { parseArgs, UsageError } from './args.js';
import { formatStress } from './format.js';
import { defaultHogCount } from './hogs.js';
import { runStress } from './run-stress.js';

export const STRESS_USAGE = `  stress [names...] [--repeat N] [--hogs K] [--memory-tight] [--json]
                                        run scenarios N times (default 200) while K busy
                                        processes (default 2 per core) load every core
  stress --baseline [--repeat N] [--hogs K] [--json]
  compare [--repeat N] [--hogs K] [--cold] [--json]
                                        the seed's sleep-based versions of two scenarios
                                        against the signal-based ones, same load (default 30)`;

/** `plh-scenarios stress ...`; returns the exit code. */
export async function stressCommand(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--json', '--memory-tight', '--baseline'],
    numbers: { '--repeat': { min: 1 }, '--hogs': { min: 0 } },
  });
  if (parsed.flags.has('--baseline')) {
    if (parsed.names.length > 0) throw new UsageError('stress --baseline takes no scenario names');
    return compareCommand(args.filter((a) => a !== '--baseline'));
  }
  const json = parsed.flags.has('--json');
  const selected = findScenarios(parsed.names);
  const repeat = parsed.numbers.get('--repeat') ?? 200;
  const progress = new Progress('stress', selected.length * repeat, 'runs');
  const report = await runStress(selected, {
    repeat,
    hogs: parsed.numbers.get('--hogs') ?? defaultHogCount(),
    memoryTight: parsed.flags.has('--memory-tight'),
    onResult: json ? undefined : (r) => {
      if (!r.ok) process.stderr.write(`FAIL ${r.name} #${r.iteration}: ${r.error ?? ''}\n`);
      progress.step(!r.ok);
    },
    log: json ? () => {} : undefined,
  });
  if (json) {
    const { results: _results, ...rest } = report;
    console.log(JSON.stringify({ ...rest, failed: report.results.filter((r) => !r.ok) }, null, 2));
  } else console.log(`\n${formatStress(report)}`);
  return report.failures === 0 ? 0 : 1;
}

/** `plh-scenarios compare ...` (also `stress --baseline`). */
export async function compareCommand(args: readonly string[]): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--json', '--memory-tight', '--cold'],
    numbers: { '--repeat': { min: 1 }, '--hogs': { min: 0 } },
  });
  if (parsed.names.length > 0) throw new UsageError('compare takes no scenario names');
  const json = parsed.flags.has('--json');
  const report = await runCompare({
    repeat: parsed.numbers.get('--repeat') ?? 30,
    hogs: parsed.numbers.get('--hogs') ?? defaultHogCount(),
    memoryTight: parsed.flags.has('--memory-tight'),
    warm: !parsed.flags.has('--cold'),
    log: json ? () => {} : undefined,
  });
  if (json) console.log(JSON.stringify(report, null, 2));
  else console.log(`\n${formatCompare(report)}`);
  // The comparison reports failure rates; it fails only when a signal-based version failed.
  return report.pairs.every((p) => p.signal.failures === 0) ? 0 : 1;
}
