// No orphans for any program. Owns the wrapper every child is started through (POSIX only).
//
// `/bin/sh -c SCRIPT plh-no-orphans <pwd> file args...` runs in a new session (spawn's
// `detached: true` calls setsid), forks a watcher, then `exec`s the program: the program keeps the
// pid Node saw, its stdio, environment and exit status. The watcher is forked twice (its
// intermediate parent exits at once) so the program never has an unexpected child to wait for.
// The watcher holds the child end of the lifeline socket and nothing else (stdio on /dev/null, the
// ready/release fds closed, cwd /), ignores the termination signals, and blocks reading the
// lifeline. EOF comes when the parent dies (even by SIGKILL: the kernel closes its end) or when
// the parent saw the program exit and ended the lifeline (spawn/lifeline.ts). Then it SIGKILLs
// every other live member of the program's session (everything the program forked, even after
// an intermediate parent exited) until none is left, and exits; its closing of the lifeline is
// what lets the parent's 'close' event fire, so a waited-for program leaves no watcher behind.
// A Node worker (spawnWorker*) first gets about 1 s to exit by itself (it watches the lifeline).
// Escapes: a process that calls setsid() itself (a daemon that detaches on purpose).
// Needs /bin/sh and grep (both essential on Debian); without /proc, the process group is killed.

/** $0 of the wrapper and its watcher, visible in ps. */
export const NO_ORPHANS_ARGV0 = 'plh-no-orphans';

const SHELL = '/bin/sh';

/** Dash reads only single-digit fds in redirections. */
const MAX_SHELL_FD = 9;

const scripts = new Map<string, string>();

/**
 * Pauses (seconds, for sleep(1)) between checks while a Node worker gets the chance to exit by
 * itself on EOF (exitWithParent: its 'exit' handlers run, e.g. removing what it created); about
 * 1 s in all. Foreign programs get none: they are not known to watch the lifeline.
 */
const SELF_EXIT_PAUSES = '0.005 0.01 0.02 0.05 0.1 0.1 0.2 0.2 0.3';

function watcherScript(lifelineFd: number, closeFds: readonly number[], selfExit: boolean): string {
  const key = `${lifelineFd}:${closeFds.join(',')}:${selfExit}`;
  let script = scripts.get(key);
  if (script !== undefined) return script;
  if (lifelineFd > MAX_SHELL_FD || closeFds.some((fd) => fd > MAX_SHELL_FD)) {
    throw new Error(`no-orphans wrapper: fd ${Math.max(lifelineFd, ...closeFds)} is above ${MAX_SHELL_FD}`);
  }
  const closes = closeFds.map((fd) => ` ${fd}>&-`).join('');
  script = [
    'P=$$',
    // The outer subshell sets the ignores before forking, so the watcher is never without them.
    `( trap '' HUP INT QUIT TERM PIPE USR1 USR2; (`,
    `  cd / && exec </dev/null >/dev/null 2>&1${closes}`,
    `  while read -r _ <&${lifelineFd}; do :; done`,
    '  me=; read -r me _ </proc/self/stat',
    // members: the live members of session $P but me and my helpers. stat is "pid (comm) state ppid pgrp session
    // ..." (comm may hold spaces and parentheses: the greedy .* ends at the last one). grep reads
    // in blocks; sh's read reads one byte per system call, too slow for all of /proc.
    '  members() {',
    `    list=$(grep -E -s -h -o "^[0-9]+ \\(.*\\) [^ZX] -?[0-9]+ -?[0-9]+ $P " /proc/[0-9]*/stat)`,
    // Our own grep and sleep are members too: they are the ones whose parent is me.
    '    others=; while read -r line; do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not a template
    '      [ -n "$line" ] || continue; q=${line%% *}; set -- ${line##*) }',
    '      [ "$q" != "$me" ] && [ "$2" != "$me" ] && others="$others $q"',
    '    done <<EOF',
    '$list',
    'EOF',
    '  }',
    ...(selfExit ? [`  for t in ${SELF_EXIT_PAUSES}; do members; [ -n "$others" ] || break; sleep "$t"; done`] : []),
    '  n=0',
    '  while [ "$n" -lt 100 ]; do',
    '    n=$((n + 1)); members',
    '    [ -n "$others" ] || break',
    '    kill -KILL $others 2>/dev/null',
    '  done',
    '  [ -n "$me" ] || kill -KILL -"$P"', // no /proc: the process group is what we can reach
    ') & )',
    'if [ "$1" = 1 ]; then PWD=$2; export PWD; else unset PWD; fi', // sh rewrites PWD at startup: restore
    'shift 2',
    'exec "$@"',
  ].join('\n');
  scripts.set(key, script);
  return script;
}

export interface WrappedCommand {
  file: string;
  args: string[];
  /** Start the child in its own session. */
  detached: boolean;
}

/**
 * The command that runs `file args` under the watcher. `pwd` is the PWD the program would have
 * seen without the wrapper (undefined: none). On Windows, the command unchanged.
 */
export function wrapForNoOrphans(file: string, args: readonly string[], lifelineFd: number, closeFds: readonly number[], pwd: string | undefined, selfExit: boolean): WrappedCommand {
  if (process.platform === 'win32') return { file, args: [...args], detached: false };
  const pwdArgs = pwd === undefined ? ['0', ''] : ['1', pwd];
  return { file: SHELL, args: ['-c', watcherScript(lifelineFd, closeFds, selfExit), NO_ORPHANS_ARGV0, ...pwdArgs, file, ...args], detached: true };
}
