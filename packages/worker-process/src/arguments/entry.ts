import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerProcessError } from '../errors.js';
import { describeValue } from './scenario.js';

/** Resolves the worker entry (path or file: URL) against `cwd` and checks that it is a file. */
export function validateEntry(entry: unknown, cwd: string): string {
  let path: string;
  if (entry instanceof URL) {
    path = fileURLToPath(entry);
  } else if (typeof entry === 'string' && entry.length > 0) {
    path = entry.startsWith('file:') ? fileURLToPath(entry) : entry;
  } else {
    throw new WorkerProcessError(
      'ERR_WORKER_INVALID_ARGUMENT',
      `The worker entry must be a non-empty file path or a file: URL, got ${describeValue(entry)}.`,
    );
  }
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  let isFile = false;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) {
    throw new WorkerProcessError(
      'ERR_WORKER_ENTRY_NOT_FOUND',
      `Worker entry file not found: ${absolute}` +
        (absolute === path ? '' : ` (resolved from ${JSON.stringify(path)} against cwd ${cwd})`) +
        `. Pass the path of an existing script, e.g. fileURLToPath(new URL('./worker.mjs', import.meta.url)), and build it first if it is generated.`,
    );
  }
  return absolute;
}
