// Argument checks shared by the Ready.* factories: typed errors that say what to pass.
import { describeValue } from '../arguments/scenario.js';
import { WorkerProcessError } from '../errors.js';

export function badStrategyArgument(where: string, what: string, value: unknown): WorkerProcessError {
  return new WorkerProcessError('ERR_WORKER_INVALID_ARGUMENT', `${where}: ${what}, got ${describeValue(value)}.`);
}

export function checkOptions(where: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw badStrategyArgument(where, `the options must be an object with ${known.join(', ')}`, options);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw badStrategyArgument(where, `unknown option ${JSON.stringify(key)} (known: ${known.join(', ')})`, options);
  }
  return options as Record<string, unknown>;
}

export function checkPositiveInteger(where: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw badStrategyArgument(where, `${name} must be an integer >= 1`, value);
  }
  return value;
}

export function checkPath(where: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw badStrategyArgument(where, 'the path must be a non-empty string', value);
  return value;
}
