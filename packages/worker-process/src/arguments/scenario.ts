import { WorkerProcessError } from '../errors.js';

/** `module.scenario`: at least two dot-separated parts, no whitespace, no empty part. */
export const SCENARIO_NAME_PATTERN = /^[^.\s]+(\.[^.\s]+)+$/;

export function validateScenarioName(scenario: unknown, where = 'scenario'): string {
  if (typeof scenario !== 'string' || !SCENARIO_NAME_PATTERN.test(scenario)) {
    throw new WorkerProcessError(
      'ERR_WORKER_BAD_SCENARIO_NAME',
      `The ${where} name must be a string of the form 'module.scenario' (e.g. 'mutex.creatorAcquires'), got ${describeValue(scenario)}. ` +
        `Prefix the scenario with its module name and a dot.`,
    );
  }
  return scenario;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${String(value)} (${typeof value})`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}
