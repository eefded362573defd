// Leak guard, a vitest setup file of every package: after each test file, no new /dev/shm
// segment of ours named for this test process, and no child process of this test process still
// running. A failing test file fails here too when it left something behind.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';

const pid = process.pid;
// Test segments carry the creating process's pid (t<pid>-..., native-test.<pid>.N, ...-<pid>-N).
const pidToken = new RegExp(`(^|[^0-9])${pid}([^0-9]|$)`);
const CHILD_EXIT_BOUND_MS = 5_000;

function ourSegments(): Set<string> {
  try {
    return new Set(readdirSync('/dev/shm').filter((f) => f.startsWith('plh') && pidToken.test(f)));
  } catch {
    return new Set();
  }
}

/** Children of this process that are still running (zombies have exited: not counted). */
function runningChildren(): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== pid || fields[0] === 'Z') continue;
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push(`${entry} ${cmd.slice(0, 120)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

let before = new Set<string>();
beforeAll(() => {
  before = ourSegments();
});

afterAll(async () => {
  // A child killed by the last test may need a moment to exit: wait for it, up to a bound.
  const deadline = Date.now() + CHILD_EXIT_BOUND_MS;
  let children = runningChildren();
  while (children.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    children = runningChildren();
  }
  const segments = [...ourSegments()].filter((f) => !before.has(f));
  expect({ segmentsLeftBehind: segments, childrenStillRunning: children }).toEqual({
    segmentsLeftBehind: [],
    childrenStillRunning: [],
  });
});
