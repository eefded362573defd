// The process tree under a pid, read from /proc (Linux only). Owns one question: which processes
// did this child start, directly or not? Used to end a program's whole tree (not just the direct
// child) and to find the sockets a program's tree listens on.
import { allPids, procStat } from './stat.js';

/** The parent pid of a process; undefined when the process is gone or /proc cannot be read. */
export function parentPid(pid: number): number | undefined {
  return procStat(pid)?.ppid;
}

/** Every live process's children, keyed by parent pid (one pass over /proc). */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = parentPid(pid);
    if (ppid === undefined) continue;
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(pid);
  }
  return children;
}

/**
 * The live descendants of `root` (children, grandchildren, ...), parents before their children;
 * `root` itself is not included. A process that was reparented away (a daemon that double-forked
 * and whose intermediate parent exited) is no longer a descendant: /proc cannot tell it apart.
 */
export function descendantPids(root: number): number[] {
  const children = childrenByParent();
  const found: number[] = [];
  const queue = [root];
  const seen = new Set<number>([root]);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** `root` (if still alive) and its live descendants. */
export function treePids(root: number): number[] {
  const alive = parentPid(root) !== undefined;
  return alive ? [root, ...descendantPids(root)] : descendantPids(root);
}
