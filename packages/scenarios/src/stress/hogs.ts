import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Marker in every hog's command line, so tests (and people) can find stray hogs in /proc. */
export const HOG_MARKER = 'plh-stress-hog';

/**
 * A hog spins the CPU in slices of ~20 ms and, between slices, lets its event loop notice EOF on
 * stdin (a pipe from the stress process). So a hog exits by itself when its parent dies, even by
 * SIGKILL: no hog can outlive the stress command.
 */
const HOG_SOURCE = `
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
let x = 0;
const spin = () => { const end = Date.now() + 20; while (Date.now() < end) x = (x * 31 + 7) | 0; setImmediate(spin); };
spin();
`;

export interface Hogs {
  readonly pids: readonly number[];
  /** SIGKILLs every hog (synchronous, idempotent) and resolves once all have exited. */
  stop(): Promise<void>;
  /** Synchronous kill for exit/signal handlers. */
  killNow(): void;
}

/** Default number of hogs: two busy processes per core. */
export function defaultHogCount(): number {
  return 2 * availableParallelism();
}

/** Starts `count` CPU hogs (child processes spinning a busy loop). */
export function startHogs(count: number, tag = String(process.pid)): Hogs {
  const children: ChildProcess[] = [];
  const exited: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['-e', HOG_SOURCE, HOG_MARKER, tag], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    // An EPIPE on the hog's stdin after it died must not crash the stress command.
    child.stdin?.on('error', () => {});
    children.push(child);
    exited.push(
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else child.once('exit', () => resolve());
        child.once('error', () => resolve());
      }),
    );
  }
  const killNow = () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.kill('SIGKILL');
        } catch {
          // Already gone.
        }
      }
      child.stdin?.destroy();
    }
  };
  return {
    pids: children.map((child) => child.pid ?? -1),
    killNow,
    async stop() {
      killNow();
      await Promise.all(exited);
    },
  };
}
