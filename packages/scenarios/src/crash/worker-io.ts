// Worker side helpers: events on stdout (campaign/lines.ts), the kill directive, the "go" and
// "finish" commands (releases on the ready-signal release pipe).
import { waitForRelease } from '@plh/worker-process/worker';
import { emitLine } from '../campaign/lines.js';
import { STUCK_EXIT_CODE } from './protocol.js';

/** One event line on stdout; synchronous, so it reaches the pipe before any later SIGKILL. */
export const emit = emitLine;

export interface Directive {
  block: string;
  gen: number;
  /** 'none' for a survivor, a self-kill point, or 'external'. */
  point: string;
  at: number;
  paceMs: number;
  /** Spawned ahead of time: wait for "go" before attaching. */
  standby: boolean;
}

export function parseDirective([block, gen, point, at, pace, standby]: string[]): Directive {
  if (!block || gen === undefined || !point || at === undefined || pace === undefined) {
    throw new Error('usage: crash.<role> <block> <generation> <point|none|external> <at> <paceMs> [standby]');
  }
  return { block, gen: Number(gen), point, at: Number(at), paceMs: Number(pace), standby: standby === 'standby' };
}

/** Returns `kill(point, op)`: SIGKILLs this process when (point, op) is the directive's. */
export function selfKiller(d: Directive): (point: string, op: number) => void {
  return (point, op) => {
    if (point === d.point && op === d.at) {
      process.kill(process.pid, 'SIGKILL');
      // SIGKILL to oneself is delivered before kill(2) returns; never continue anyway.
      throw new Error('SIGKILL did not stop the process');
    }
  };
}

/**
 * Commands from the driver, one release each on the release pipe: "go" (a standby generation
 * starts: it was spawned ahead of time, so its start-up cost overlaps its predecessor's work),
 * then "finish" (end cleanly). A generation that is not standby starts at once, so its first
 * release is "finish".
 */
export interface Commands {
  readonly finishing: boolean;
  /** Resolves at "go" (at once unless the directive says standby). */
  readonly go: Promise<void>;
}

let commands: Commands | undefined;

/** The driver is gone (EOF on the release pipe): the lifeline ends us too; exit like it does. */
const driverGone = (): never => process.exit(129);

export function driverCommands(d: Directive): Commands {
  if (commands) return commands;
  const state = { finishing: false, go: Promise.resolve() };
  const awaitFinish = () =>
    waitForRelease({ timeoutMs: Infinity }).then(() => {
      state.finishing = true;
    }, driverGone);
  if (d.standby) state.go = waitForRelease({ timeoutMs: Infinity }).then(() => void awaitFinish(), driverGone);
  else void awaitFinish();
  commands = state;
  return state;
}

/**
 * Pause between operations. It only lowers the CPU the survivors burn (2 shared cores, while
 * replacements start); it orders nothing: every hand-over between processes goes through the
 * DataBlock's own waits. A process armed for an external kill runs unpaced (paceMs 0).
 */
export function pace(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : new Promise((resolve) => setImmediate(resolve));
}

export function stuck(what: string): never {
  emit(`stuck ${what}`);
  process.exit(STUCK_EXIT_CODE);
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
