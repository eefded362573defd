// The processes of one session, read from /proc (Linux only). Every program plh spawns leads its
// own session, and what it forks stays in that session unless it calls setsid() itself: this is
// how a program's processes are found after their parent is gone (the tree by parent pid breaks
// when an intermediate process exits, the session does not).
import { allPids, procStat } from './stat.js';

/** The live (not zombie) members of session `sid`, the leader included if alive. */
export function sessionPids(sid: number): number[] {
  const found: number[] = [];
  for (const pid of allPids()) {
    const stat = procStat(pid);
    if (stat && stat.session === sid && stat.state !== 'Z') found.push(pid);
  }
  return found;
}
