// The parent's end of the lifeline socket. Owns one rule: the parent holds it open while the
// program runs (the watcher and Node workers read EOF when the parent dies), and ends it as soon
// as the program has exited, so the watcher sweeps what the program left in its session and exits.
// The child's 'close' event waits for the other end to close: after it, no watcher is left.
import type { ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';

export function holdLifeline(child: ChildProcess, fd: number): void {
  const lifeline = child.stdio[fd] as Duplex | null | undefined;
  if (!lifeline) return;
  lifeline.on('error', () => {});
  lifeline.resume(); // nothing is ever written to us; reading is what lets us see the other end close
  child.once('exit', () => lifeline.end());
}
