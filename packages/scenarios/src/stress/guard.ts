// Kills helper processes (hogs) on every way out of the stress command: normal end, thrown
// error, process.exit, SIGINT, SIGTERM, SIGHUP. (A SIGKILL of the stress command cannot be
// caught: the hogs then exit by themselves on EOF of their stdin pipe.)
const killers = new Set<() => void>();
let installed = false;
let graceful = 0;
let stopping: NodeJS.Signals | undefined;

/** Thrown by a loop that saw a stop request between two runs (see allowGracefulStop). */
export class StoppedError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
}

/** Throws StoppedError when a stop was requested (call between two runs). */
export function throwIfStopped(): void {
  if (stopping) throw new StoppedError(stopping);
}

export function exitCodeFor(signal: NodeJS.Signals): number {
  return SIGNAL_EXIT[signal] ?? 1;
}

/**
 * While registered, the first SIGINT/SIGTERM/SIGHUP kills the helpers at once but lets the
 * current scenario finish and clean up (its workers, segments, temp dir) before the loop stops
 * with StoppedError; a second signal exits immediately.
 */
export function allowGracefulStop(): () => void {
  install();
  graceful++;
  return () => {
    graceful--;
  };
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function killAll(): void {
  for (const kill of killers) {
    try {
      kill();
    } catch {
      // Keep killing the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.on(signal as NodeJS.Signals, () => {
      killAll();
      if (graceful > 0 && stopping === undefined) {
        stopping = signal as NodeJS.Signals;
        process.stderr.write(`stress: ${signal}: hogs stopped; finishing the current run's cleanup (again to exit now)\n`);
        return;
      }
      process.stderr.write(`stress: ${signal}: hogs stopped, exiting\n`);
      process.exit(code);
    });
  }
}

/** Registers a synchronous killer; returns a function that unregisters it. */
export function guardProcesses(kill: () => void): () => void {
  install();
  killers.add(kill);
  return () => killers.delete(kill);
}
