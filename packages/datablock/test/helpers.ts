import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { DataBlock, DataBlockMutex } from '../src/index.js';

/** Unique names per test file and process: `t<pid>-<tag>-<n>`. */
export function namer(tag: string) {
  const made: string[] = [];
  let n = 0;
  const prefix = `t${process.pid}-${tag}-`;
  return {
    prefix,
    next(): string {
      const name = `${prefix}${++n}`;
      made.push(name);
      return name;
    },
    /** Unlinks every name handed out (both kinds), ignoring missing ones. */
    cleanup(): void {
      for (const name of made.splice(0)) {
        try { DataBlock.unlink(name); } catch { /* not there */ }
        try { DataBlockMutex.unlink(name); } catch { /* not there */ }
      }
    },
    /** Files left in /dev/shm by this file (must be none at the end). */
    leftovers(): string[] {
      return readdirSync('/dev/shm').filter((f) => f.startsWith('plh.') && f.includes(prefix));
    },
  };
}

export interface Child {
  proc: ChildProcessWithoutNullStreams;
  /** Resolves with the first stdout line (from now on or already buffered) matching `pattern`. */
  line(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  send(text: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

const children = new Set<ChildProcessWithoutNullStreams>();

/** Spawns test/fixtures/<script> with node; it reports over stdout lines. */
export function spawnFixture(script: string, args: string[]): Child {
  const file = fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url));
  const proc = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  const lines: string[] = [];
  const waiters: Array<{ test: (l: string) => boolean; resolve: (l: string) => void }> = [];
  let err = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
  createInterface({ input: proc.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of [...waiters]) {
      if (w.test(l)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    });
  });
  return {
    proc,
    exited,
    stderr: () => err,
    send: (text) => proc.stdin.write(text),
    line(pattern, timeoutMs = 10_000) {
      const test = (l: string) => (typeof pattern === 'string' ? l === pattern : pattern.test(l));
      const found = lines.find(test);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no line ${String(pattern)} from ${script} within ${timeoutMs} ms; stdout: ${lines.join(' | ')}; stderr: ${err}`)), timeoutMs);
        const w = { test, resolve: (l: string) => { clearTimeout(timer); resolve(l); } };
        waiters.push(w);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(w)) return;
          clearTimeout(timer);
          reject(new Error(`${script} exited (code ${code}, signal ${signal}) before line ${String(pattern)}; stdout: ${lines.join(' | ')}; stderr: ${err}`));
        });
      });
    },
  };
}

/** Kills every fixture still running (afterEach). */
export async function killChildren(): Promise<void> {
  const pending = [...children].map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  }));
  await Promise.all(pending);
}

/** Asserts that `fn` throws a DataBlockError with `code`; returns it (for message checks). */
export function expectCode(fn: () => unknown, code: string): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error(`expected ${code}, nothing was thrown`);
  const got = (thrown as { code?: string }).code;
  if (got !== code) throw new Error(`expected ${code}, got ${got}: ${(thrown as Error).message}`);
  if ((thrown as Error).name !== 'DataBlockError') throw new Error(`expected a DataBlockError, got ${(thrown as Error).name}`);
  return thrown as Error;
}
