import { format } from 'node:util';
import { SCENARIO_NAME_PATTERN } from '../arguments/scenario.js';
import { warmArgv } from '../pool/warm-child.js';
import { exitWithParent } from './exit-with-parent.js';

/** A scenario receives the arguments after its name. It may be async. */
export type WorkerScenario = (args: string[]) => unknown;

/** Exit code of a worker asked for a scenario it does not know (like a shell's "command not found"). */
export const UNKNOWN_SCENARIO_EXIT_CODE = 127;

export interface RunWorkerOptions {
  /** Defaults to process.argv: [node, entry, scenario, ...args]. */
  argv?: readonly string[];
}

function writeStderr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * The body of a worker entry file, like the C++ original's main(): picks the scenario named by
 * argv[2], runs it with the remaining arguments, and exits the process: 0 when it returns (or
 * its promise resolves), 1 with the error printed on stderr when it throws, 127 with the list of
 * known scenarios when the name is unknown. Handles left open do not keep the worker alive.
 * Also calls exitWithParent(), so the worker exits (code 129) when its parent dies.
 */
export async function runWorker(scenarios: Record<string, WorkerScenario>, options: RunWorkerOptions = {}): Promise<never> {
  let argv = options.argv ?? process.argv;
  try {
    if (scenarios === null || typeof scenarios !== 'object') throw new TypeError('runWorker(scenarios): pass an object like { "module.scenario": async (args) => { ... } }.');
    for (const [name, fn] of Object.entries(scenarios)) {
      if (!SCENARIO_NAME_PATTERN.test(name)) throw new TypeError(`runWorker: scenario name ${JSON.stringify(name)} must look like 'module.scenario'.`);
      if (typeof fn !== 'function') throw new TypeError(`runWorker: scenario ${name} must be a function, got ${typeof fn}.`);
    }
    exitWithParent();
    // A pooled warm worker (pool/): its entry is imported; now it learns what to run.
    if (options.argv === undefined) argv = (await warmArgv()) ?? argv;
  } catch (error) {
    writeStderr(format('runWorker: %s', error instanceof Error ? error.message : error));
    return process.exit(1);
  }
  const name = argv[2];
  const known = Object.keys(scenarios);
  const fn = name === undefined || !Object.hasOwn(scenarios, name) ? undefined : scenarios[name];
  if (!fn) {
    writeStderr(
      `${name === undefined ? 'No scenario given' : `Unknown scenario ${JSON.stringify(name)}`}. Known scenarios:\n` +
        (known.length > 0 ? known.map((k) => `  ${k}`).join('\n') : '  (none)'),
    );
    return process.exit(UNKNOWN_SCENARIO_EXIT_CODE);
  }
  try {
    await fn(argv.slice(3));
  } catch (error) {
    writeStderr(format('Scenario %s failed: %O', name, error));
    return process.exit(1);
  }
  return process.exit(0);
}
