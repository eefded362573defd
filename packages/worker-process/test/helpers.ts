import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const WORKER = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));

/** True while `pid` exists and is not a zombie (an exited child not yet reaped by its new parent). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; the deadline is only an upper bound turning a hang into a failure. */
export async function waitUntilGone(pid: number, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return !isAlive(pid);
}

export function forceKill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
