import type { ChildProcess } from 'node:child_process';

export interface ExitFacts {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  spawnError: Error | undefined;
}

/** "child 123 (node worker.mjs) exited with code 3" and the like. */
export function describeChild(child: ChildProcess): string {
  const command = child.spawnargs?.length ? ` (${child.spawnargs.join(' ').slice(0, 200)})` : '';
  return `child ${child.pid ?? '(not spawned)'}${command}`;
}

export function describeEnd(facts: ExitFacts): string {
  if (facts.spawnError) return `failed to start (${facts.spawnError.message})`;
  if (facts.signal) return `was killed by ${facts.signal}`;
  if (facts.exitCode !== null) return `exited with code ${facts.exitCode}`;
  return 'closed its ready fd (it is still running)';
}
