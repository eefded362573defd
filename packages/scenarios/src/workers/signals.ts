// Worker sides of the signal scenarios. Each runs in its own process, dispatched by name from
// workers.ts. They order themselves only by ready signals, checkpoints and releases.
import { appendFileSync, writeFileSync } from 'node:fs';
import { pbkdf2Sync } from 'node:crypto';
import { signalCheckpoint, signalTestReady, waitForRelease } from '@plh/ready-signal';

const RELEASE_WAIT_MS = 30_000;

/** A child whose init takes real work; it writes its marker file, then signals ready. */
export function slowInit([markerPath]: string[]): void {
  if (!markerPath) throw new Error('usage: signals.slowInit <markerPath>');
  // Stand-in for an expensive init (key derivation), CPU work rather than a sleep.
  const key = pbkdf2Sync('plh', 'salt', 200_000, 32, 'sha256').toString('hex');
  writeFileSync(markerPath, `init-done ${key}\n`);
  signalTestReady(markerPath);
}

/** A child that fails during init and exits before it could signal ready. */
export function dieBeforeReady(): void {
  process.stderr.write('fatal: configuration file missing, cannot initialise\n');
  process.exit(3);
}

/** One step of a relay: ready, wait for the parent's release, append own name, checkpoint. */
export async function relayStep([logPath, name]: string[]): Promise<void> {
  if (!logPath || !name) throw new Error('usage: signals.relayStep <logPath> <name>');
  signalTestReady(name, { keepOpen: true });
  await waitForRelease({ timeoutMs: RELEASE_WAIT_MS });
  appendFileSync(logPath, `${name}\n`);
  signalCheckpoint('appended', { last: true });
}
