// /proc helpers for the stress/fuzz tests: find hogs and children, wait (bounded) for them to go.
import { readdirSync, readFileSync } from 'node:fs';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) processes whose command line contains every one of `parts`. */
export function processesWith(...parts: string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const args = read(`/proc/${entry}/cmdline`)?.split('\0') ?? [];
    if (!parts.every((part) => args.includes(part))) continue;
    if (isLive(Number(entry))) found.push(Number(entry));
  }
  return found;
}

/** True unless the process is gone or a zombie. */
export function isLive(pid: number): boolean {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return false;
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** Live children of `pid`. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid && isLive(Number(entry))) out.push(Number(entry));
  }
  return out;
}

/**
 * Polls until `check()` is true or `timeoutMs` passed (a killed process disappears
 * asynchronously and sends us no signal; the deadline only bounds the wait). Returns check().
 */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return check();
}
