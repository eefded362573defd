// One process's line of /proc/<pid>/stat, parsed (Linux only). Owns the field layout, so that the
// tree, the session and liveness checks read the same fields the same way.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  /** R, S, D, Z (zombie: exited, not yet reaped), T, ... */
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** Session id (the pid of the session leader). */
  session: number;
  /** Start time in clock ticks after boot: with the pid, it names one process even if pids are reused. */
  startTime: string;
}

/**
 * The stat fields of `pid`, or undefined when the process is gone or /proc cannot be read. The
 * command name (field 2) is in parentheses and may itself hold spaces or ')', so fields are
 * counted after the last ')'.
 */
export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // rest[0] is field 3 (state), rest[1] field 4 (ppid), rest[2] pgrp, rest[3] session, rest[19] starttime (field 22).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  if (!Number.isInteger(ppid)) return undefined;
  return { state: rest[0] ?? '', ppid, pgrp: Number(rest[2]), session: Number(rest[3]), startTime: rest[19] ?? '' };
}

/** The pids listed in /proc (empty when /proc cannot be read). */
export function allPids(): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}
