import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { attachReadySignal, prepareReadySignal, type PrepareReadySignalOptions, type ReadySignalParent } from '../src/index.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const children = new Set<ChildProcess>();
const parents = new Set<ReadySignalParent>();

/** Spawns a child with the ready pipe (and release pipe when asked), tracked for cleanup. */
export function spawnSignalled(command: string, args: string[], options: PrepareReadySignalOptions & { env?: Record<string, string> } = {}) {
  const setup = prepareReadySignal(options);
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe', ...setup.stdio],
    env: { ...process.env, ...options.env, ...setup.env },
  });
  track(child);
  const parent = attachReadySignal(child, setup);
  parents.add(parent);
  return { child, parent, setup };
}

export const spawnNode = (file: string, args: string[] = [], options: PrepareReadySignalOptions = {}) =>
  spawnSignalled(process.execPath, [fixture(file), ...args], options);

/** Spawns a plain child (custom stdio/env), tracked for cleanup. */
export function spawnTracked(command: string, args: string[], stdio: StdioOptions, env: NodeJS.ProcessEnv): ChildProcess {
  return track(spawn(command, args, { stdio, env }));
}

export function collectStdout(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  return () => text;
}

const closings = new WeakMap<ChildProcess, Promise<number | null>>();

/** Resolves with the exit code once the child exited and its stdio closed (bounded by the test timeout). */
export const closed = (child: ChildProcess): Promise<number | null> => closings.get(child) as Promise<number | null>;

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  closings.set(child, new Promise((resolve) => child.once('close', (code) => resolve(code))));
  return child;
}

afterEach(async () => {
  for (const parent of parents) parent.close();
  parents.clear();
  const pending = [...children].map((child) => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    return gone;
  });
  children.clear();
  await Promise.all(pending);
});
