import { accessSync, constants } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import type { NormalizedOptions } from '../arguments/options.js';
import { WorkerProcessError } from '../errors.js';
import { WorkerProcess } from '../worker-process.js';
import { planChildPlumbing, type ChildPlumbing } from './stdio.js';

/** Spawns `file args` through execa with our plumbing and wraps it. Throws synchronously if it cannot start. */
export function startChild(file: string, args: string[], options: NormalizedOptions, scenario: string | undefined): WorkerProcess {
  const plumbing = planChildPlumbing(options);
  const child = launchChild(file, args, options, plumbing, scenario);
  return new WorkerProcess({ child, file, args, scenario, options, ready: plumbing.ready, lifelineFd: plumbing.lifelineFd, notify: plumbing.notify });
}

/** The spawn itself (execa, our plumbing), without the WorkerProcess wrapper: the warm pool wraps later. */
export function launchChild(file: string, args: string[], options: NormalizedOptions, plumbing: ChildPlumbing, scenario: string | undefined): ChildProcess {
  if (options.signal?.aborted) {
    throw new WorkerProcessError('ERR_WORKER_ABORTED', `Not spawning ${scenario ?? file}: the signal option is already aborted.`, { scenario });
  }
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: plumbing.env,
    extendEnv: true,
    stdio: plumbing.stdio,
    buffer: false, // WorkerProcess collects stdout/stderr itself (kept even if a grandchild holds the pipes)
    reject: false, // the exit status is reported by waitForExit, judged by expectOk
    cleanup: true, // kill the child if this process exits
    forceKillAfterDelay: false, // WorkerProcess.terminate does SIGTERM → SIGKILL itself
    stripFinalNewline: false,
    windowsHide: true,
  });
  void subprocess.catch(() => {});
  const child = subprocess as unknown as ChildProcess;
  if (child.pid === undefined) {
    child.on('error', () => {});
    plumbing.notify?.close();
    throw new WorkerProcessError('ERR_WORKER_SPAWN_FAILED', `Could not start ${JSON.stringify(file)}: ${whyNotExecutable(file)}`, { scenario });
  }
  return child;
}

function whyNotExecutable(file: string): string {
  if (!file.includes('/')) return `it was not found on PATH (${process.env.PATH ?? ''}). Install it or pass an absolute path.`;
  try {
    accessSync(file, constants.F_OK);
  } catch {
    return 'the file does not exist. Pass the path of an existing executable.';
  }
  try {
    accessSync(file, constants.X_OK);
  } catch {
    return 'the file is not executable. chmod +x it, or run it through its interpreter (e.g. spawnProcess("sh", [file])).';
  }
  return 'the operating system refused to start it (bad interpreter line or format?).';
}
