#!/usr/bin/env node
import { resolve } from 'node:path';
import { findScenarios, scenarios } from './catalog/index.js';
import { formatTable, summarise } from './report.js';
import { exitOnSignals } from './live-runs.js';
import { Progress, PROGRESS_EVERY_MS } from './progress.js';
import { runScenarios } from './runner.js';
import { FUZZ_USAGE, fuzzCommand } from './fuzz/command.js';
import { STRESS_USAGE, compareCommand, stressCommand } from './stress/command.js';
import { runToolCommand } from './stress/tool-command.js';
import { CRASH_USAGE, crashCommand } from './crash/command.js';

const USAGE = `usage: plh-scenarios <command>

  list                                  list every scenario
  run [names...] [--repeat N] [--json] [--cold] [--timeline DIR]
                                        run scenarios (all by default) as real processes;
                                        workers come from a warm pool (--cold: none);
                                        --timeline writes a sequence diagram per scenario
${STRESS_USAGE}
${FUZZ_USAGE}
${CRASH_USAGE}

A name is a full scenario name, its short name, or a module prefix (e.g. "signals").
Exit code: 0 when every run passed, 1 when any failed, 2 on a usage error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'list':
      for (const s of scenarios) console.log(`${s.name.padEnd(56)} ${s.processes}p  ${s.description}`);
      return 0;
    case 'run':
      return run(rest);
    case 'stress':
      return runToolCommand('stress', () => stressCommand(rest), USAGE);
    case 'compare':
      return runToolCommand('compare', () => compareCommand(rest), USAGE);
    case 'fuzz':
      return runToolCommand('fuzz', () => fuzzCommand(rest), USAGE);
    case 'crash':
      return runToolCommand('crash', () => crashCommand(rest), USAGE);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`plh-scenarios: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function run(args: string[]): Promise<number> {
  const names: string[] = [];
  let repeat = 1;
  let json = false;
  let warm = true;
  let timelineDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--cold') warm = false;
    else if (arg === '--timeline') {
      const dir = args[++i];
      if (dir === undefined || dir.startsWith('-')) {
        console.error('plh-scenarios: --timeline needs a directory');
        return 2;
      }
      timelineDir = resolve(dir);
    } else if (arg === '--repeat') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1) {
        console.error(`plh-scenarios: --repeat needs a positive integer, got '${args[i] ?? ''}'`);
        return 2;
      }
      repeat = value;
    } else if (arg.startsWith('-')) {
      console.error(`plh-scenarios: unknown option '${arg}'\n\n${USAGE}`);
      return 2;
    } else names.push(arg);
  }
  let selected;
  try {
    selected = findScenarios(names);
  } catch (err) {
    console.error(`plh-scenarios: ${(err as Error).message}`);
    return 2;
  }
  exitOnSignals();
  // Each scenario is reported once, in the table. Before it: on a terminal, one progress line
  // rewritten in place (and erased); otherwise a progress line every few seconds.
  const tty = process.stderr.isTTY === true;
  const progress = new Progress(
    'run',
    selected.length * repeat,
    'runs',
    tty ? (line) => process.stderr.write(`\r\x1b[2K${line}`) : undefined,
    tty ? 0 : PROGRESS_EVERY_MS,
  );
  const results = await runScenarios(selected, {
    repeat,
    warm,
    timelineDir,
    onResult: json ? undefined : (r) => progress.step(!r.ok),
  });
  if (tty && !json) process.stderr.write('\r\x1b[2K');
  const summaries = summarise(results);
  if (json) console.log(JSON.stringify({ results, summaries }, null, 2));
  else console.log(`${tty ? '' : '\n'}${formatTable(summaries)}`);
  return results.every((r) => r.ok) ? 0 : 1;
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
