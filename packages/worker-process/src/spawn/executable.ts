// Whether a file can be executed, decided in the parent before spawning. Owns the lookup rules
// (PATH search like execvp, relative paths against cwd) and the messages saying what to do. Needed
// because the no-orphans wrapper (spawn/no-orphans.ts) always starts: a program that cannot run
// would otherwise surface as a shell's exit code 127 instead of ERR_WORKER_SPAWN_FAILED.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Undefined if `file` can be executed with this PATH and cwd; otherwise why not (a sentence). */
export function whyNotExecutable(file: string, path: string | undefined, cwd: string): string | undefined {
  if (!file.includes('/')) {
    const dirs = (path ?? '').split(delimiter);
    if (dirs.some((dir) => isExecutableFile(resolve(cwd, dir || '.', file)))) return undefined;
    return `it was not found on PATH (${path ?? ''}). Install it or pass an absolute path.`;
  }
  const full = resolve(cwd, file);
  if (isExecutableFile(full)) return undefined;
  try {
    accessSync(full, constants.F_OK);
  } catch {
    return 'the file does not exist. Pass the path of an existing executable.';
  }
  if (statSync(full).isDirectory()) return 'it is a directory. Pass the path of an executable file.';
  return 'the file is not executable. chmod +x it, or run it through its interpreter (e.g. spawnProcess("sh", [file])).';
}
