// The process tree under a pid through /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN):
// a few small reads instead of a pass over every process in /proc, cheap enough to poll.
import { readdirSync, readFileSync } from 'node:fs';
import { treePids } from './tree.js';

/** Direct children of `pid` (all its threads), or undefined when the kernel has no children file. */
function childrenOf(pid: number): number[] | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // gone
  }
  const children: number[] = [];
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tid === String(pid)) return undefined;
      continue;
    }
    for (const field of text.split(' ')) if (field) children.push(Number(field));
  }
  return children;
}

/** `root` and its live descendants; the same answer as treePids, read the cheap way when possible. */
export function treePidsFast(root: number): number[] {
  const found = [root];
  for (let i = 0; i < found.length; i++) {
    const children = childrenOf(found[i]!);
    if (children === undefined) return treePids(root); // kernel without CONFIG_PROC_CHILDREN
    found.push(...children);
  }
  return found;
}
