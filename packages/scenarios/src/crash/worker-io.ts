// Worker side helpers: events on stdout, the kill directive, the finish command on stdin.
import { writeSync } from 'node:fs';
import { STUCK_EXIT_CODE } from './protocol.js';

/** One event line on stdout; synchronous, so it reaches the pipe before any later SIGKILL. */
export function emit(line: string): void {
  writeSync(1, `${line}\n`);
}

export interface Directive {
  block: string;
  gen: number;
  /** 'none' for a survivor, a self-kill point, or 'external'. */
  point: string;
  at: number;
  paceMs: number;
}

export function parseDirective([block, gen, point, at, pace]: string[]): Directive {
  if (!block || gen === undefined || !point || at === undefined || pace === undefined) {
    throw new Error('usage: crash.<role> <block> <generation> <point|none|external> <at> <paceMs>');
  }
  return { block, gen: Number(gen), point, at: Number(at), paceMs: Number(pace) };
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

/** Becomes true once the driver writes "finish" on stdin. */
export function finishFlag(): { readonly finishing: boolean } {
  const flag = { finishing: false };
  let text = '';
  process.stdin.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (text.includes('finish')) flag.finishing = true;
  });
  process.stdin.on('error', () => {});
  process.stdin.unref?.();
  return flag;
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
