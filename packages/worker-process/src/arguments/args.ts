import { WorkerProcessError } from '../errors.js';
import { describeValue } from './scenario.js';

/** Arguments passed to the child: an array of strings, nothing else (no implicit String()). */
export function validateArgs(args: unknown, where = 'args'): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) {
    throw new WorkerProcessError(
      'ERR_WORKER_INVALID_ARGUMENT',
      `The ${where} must be an array of strings, got ${describeValue(args)}.`,
    );
  }
  args.forEach((arg, index) => {
    if (typeof arg !== 'string') {
      throw new WorkerProcessError(
        'ERR_WORKER_INVALID_ARGUMENT',
        `${where}[${index}] must be a string, got ${describeValue(arg)}. Convert it with String() before passing it.`,
      );
    }
    if (arg.includes('\0')) {
      throw new WorkerProcessError(
        'ERR_WORKER_INVALID_ARGUMENT',
        `${where}[${index}] contains a NUL byte, which cannot be passed on a command line.`,
      );
    }
  });
  return [...args] as string[];
}
