// Test helpers: the binding, unique segment names with cleanup, and child processes that
// report progress as lines on stdout (no sleeps: the parent waits for a line).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { afterEach, it } from 'vitest';

/** True in the arm64 suite under qemu-user (scripts/ci/arm64.sh sets PLH_QEMU=1): only there. */
export const underQemu = process.env.PLH_QEMU === '1' && process.arch === 'arm64';
/** Upper bounds on waits grow under emulation (a Node child takes seconds to start there). */
export const BOUND_MS = underQemu ? 90_000 : 25_000; // upper bounds only; python3 senders start slowly under load

/**
 * A test that needs robust-list owner death. qemu-user does not emulate set_robust_list (ENOSYS),
 * so there a dead owner's lock times out instead of returning EOWNERDEAD: skipped there, by name,
 * with the reason in the name; everywhere else it runs.
 */
export function itOwnerDeath(name: string, fn: () => Promise<void> | void): void {
  if (underQemu) it.skip(`${name} [skipped under qemu-user: set_robust_list is ENOSYS, owner death is not emulated]`, fn);
  else it(name, fn);
}

const require = createRequire(import.meta.url);
export const bindingPath = fileURLToPath(new URL('../index.cjs', import.meta.url));
export const native = require(bindingPath) as typeof import('../index');

let counter = 0;
const names = new Set<string>();
const children = new Set<ChildProcess>();
const mappings = new Set<InstanceType<typeof native.Mapping>>();

/** A fresh POSIX name, unlinked after the test. */
export function uniqueName(): string {
  const name = `/plh.native-test.${process.pid}.${++counter}`;
  names.add(name);
  return name;
}

/** Tracks a mapping so afterEach closes it. */
export function track<T extends InstanceType<typeof native.Mapping>>(m: T): T {
  mappings.add(m);
  return m;
}

/** Creates a segment and maps it (the fd is closed at once). */
export function createMapped(size = 4096): { name: string; map: InstanceType<typeof native.Mapping> } {
  const name = uniqueName();
  const fd = native.shmCreate(name, size, 0o600);
  try {
    return { name, map: track(new native.Mapping(fd, size, true)) };
  } finally {
    native.fdClose(fd);
  }
}

export interface Child {
  proc: ChildProcess;
  /** Resolves with the next stdout line (in order); rejects when the child exits first or after timeoutMs. */
  nextLine(timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Runs `node -e <body>` with `native` (the binding), `name`, `argv` in scope and `say(line)` to
 * report a line on stdout.
 */
export function runChild(body: string, args: string[] = []): Child {
  const prelude = `const native = require(${JSON.stringify(bindingPath)});
const argv = JSON.parse(process.argv[1]);
const say = (line) => process.stdout.write(line + '\\n');
`;
  const proc = spawn(process.execPath, ['-e', prelude + body, JSON.stringify(args)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(proc);
  let buffered = '';
  let stderr = '';
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let i;
    while ((i = buffered.indexOf('\n')) >= 0) {
      lines.push(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    proc.on('close', (code, signal) => {
      ended = true;
      children.delete(proc);
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal, stderr });
    });
  });
  const nextLine = (timeoutMs = BOUND_MS) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line from child within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      const check = () => {
        if (lines.length > 0) {
          clearTimeout(timer);
          resolve(lines.shift()!);
        } else if (ended) {
          clearTimeout(timer);
          reject(new Error(`child exited before writing a line; stderr: ${stderr}`));
        } else {
          waiters.push(check);
        }
      };
      check();
    });
  return { proc, nextLine, exited };
}

/** Resolves on the next turn of the event loop (used to poll a condition, never to order processes). */
export const tick = () => new Promise<void>((r) => setImmediate(r));

afterEach(async () => {
  for (const m of mappings) m.close();
  mappings.clear();
  const exits: Promise<unknown>[] = [];
  for (const c of children) {
    exits.push(new Promise((r) => c.once('close', r)));
    c.kill('SIGKILL');
  }
  await Promise.all(exits);
  for (const n of names) {
    if (existsSync(`/dev/shm${n}`)) native.shmUnlink(n);
  }
  names.clear();
});
