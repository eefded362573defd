import type { ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import type { NormalizedOptions } from '../arguments/options.js';
import { WorkerProcessError } from '../errors.js';
import { WorkerProcess } from '../worker-process.js';
import { whyNotExecutable } from './executable.js';
import { wrapForNoOrphans } from './no-orphans.js';
import { planChildPlumbing, type ChildPlumbing } from './stdio.js';

/** Spawns `file args` through execa with our plumbing and wraps it. Throws synchronously if it cannot start. */
export function startChild(file: string, args: string[], options: NormalizedOptions, scenario: string | undefined): WorkerProcess {
  checkExecutable(file, options, scenario);
  const plumbing = planChildPlumbing(options);
  const child = launchChild(file, args, options, plumbing, scenario);
  return new WorkerProcess({ child, file, args, scenario, options, ready: plumbing.ready, lifelineFd: plumbing.lifelineFd, notify: plumbing.notify });
}

/** ERR_WORKER_SPAWN_FAILED, synchronously, when `file` cannot be executed (the wrapper always starts). */
function checkExecutable(file: string, options: NormalizedOptions, scenario: string | undefined): void {
  const why = whyNotExecutable(file, pathOf(options.env), options.cwd);
  if (why !== undefined) {
    throw new WorkerProcessError('ERR_WORKER_SPAWN_FAILED', `Could not start ${JSON.stringify(file)}: ${why}`, { scenario });
  }
}

/**
 * The spawn itself (execa, our plumbing, the no-orphans wrapper), without the WorkerProcess
 * wrapper: the warm pool wraps later.
 */
export function launchChild(file: string, args: string[], options: NormalizedOptions, plumbing: ChildPlumbing, scenario: string | undefined): ChildProcess {
  if (options.signal?.aborted) {
    plumbing.notify?.close();
    throw new WorkerProcessError('ERR_WORKER_ABORTED', `Not spawning ${scenario ?? file}: the signal option is already aborted.`, { scenario });
  }
  const closeInWatcher = plumbing.stdio.slice(3, plumbing.lifelineFd).map((_, i) => 3 + i);
  // A Node program of ours watches the lifeline itself: it gets a moment to exit with its handlers.
  const selfExit = file === process.execPath;
  const command = wrapForNoOrphans(file, args, plumbing.lifelineFd, closeInWatcher, childEnvValue(plumbing.env, 'PWD'), selfExit);
  const subprocess = execa(command.file, command.args, {
    detached: command.detached, // its own session: the watcher finds everything the program forks
    cwd: options.cwd,
    env: plumbing.env,
    extendEnv: true,
    stdio: plumbing.stdio,
    buffer: false, // WorkerProcess collects stdout/stderr itself (kept even if a grandchild holds the pipes)
    reject: false, // the exit status is reported by waitForExit, judged by expectOk
    cleanup: true, // kill the child if this process exits (execa skips it when detached: the watcher does it)
    forceKillAfterDelay: false, // WorkerProcess.terminate does SIGTERM → SIGKILL itself
    stripFinalNewline: false,
    windowsHide: true,
  });
  void subprocess.catch(() => {});
  const child = subprocess as unknown as ChildProcess;
  if (child.pid === undefined) {
    child.on('error', () => {});
    plumbing.notify?.close();
    const reason = whyNotExecutable(file, pathOf(plumbing.env), options.cwd) ?? 'the operating system refused to start it (does its cwd exist?).';
    throw new WorkerProcessError('ERR_WORKER_SPAWN_FAILED', `Could not start ${JSON.stringify(file)}: ${reason}`, { scenario });
  }
  return child;
}

/** The value the child will see: our env option over process.env (undefined: unset). */
function childEnvValue(env: Record<string, string | undefined>, name: string): string | undefined {
  return name in env ? env[name] : process.env[name];
}

function pathOf(env: Record<string, string | undefined>): string | undefined {
  return childEnvValue(env, 'PATH');
}
