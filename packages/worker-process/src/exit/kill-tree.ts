// Ending a program's whole tree while the parent lives. Owns who gets which signal:
// - SIGTERM to the program, its descendants and its session (everything it forked, also what an
//   exited intermediate left behind), so each can clean up; the no-orphans watcher ignores it;
// - SIGKILL to the program and its descendants (not the watcher: it is not a descendant);
// - after the program exited, SIGKILL to what is left of the snapshots outside its session (a
//   child that called setsid() while it was still in the tree). The session itself is the
//   watcher's to sweep (spawn/no-orphans.ts), once the parent ends the lifeline.
import { procStat } from '../proc/stat.js';
import { sessionPids } from '../proc/session.js';
import { treePids } from '../proc/tree.js';

/** Processes seen in a program's tree, named by pid and start time (a reused pid is not them). */
export type TreeSnapshot = Map<number, string>;

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

function snapshot(pids: Iterable<number>, into: TreeSnapshot = new Map()): TreeSnapshot {
  for (const pid of pids) {
    const stat = procStat(pid);
    if (stat && stat.state !== 'Z' && !into.has(pid)) into.set(pid, stat.startTime);
  }
  return into;
}

/** SIGTERM to the program's tree and session; returns who was there. */
export function termTree(pid: number): TreeSnapshot {
  const seen = snapshot([...treePids(pid), ...sessionPids(pid)]);
  for (const member of seen.keys()) signalPid(member, 'SIGTERM');
  return seen;
}

/** SIGKILL to the program and its current descendants; adds them to `seen`. */
export function killTree(pid: number, seen: TreeSnapshot): void {
  const now = treePids(pid);
  snapshot(now, seen);
  signalPid(pid, 'SIGKILL');
  for (const member of now) signalPid(member, 'SIGKILL');
}

/** After the program's exit: SIGKILL to the members of `seen` still alive that left its session. */
export function killEscaped(sessionId: number, seen: TreeSnapshot): void {
  for (const [pid, startTime] of seen) {
    const stat = procStat(pid);
    if (!stat || stat.state === 'Z' || stat.startTime !== startTime || stat.session === sessionId) continue;
    signalPid(pid, 'SIGKILL');
  }
}
