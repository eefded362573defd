// Everything a campaign started (worker processes, segments), removed on every way out: normal
// end, thrown error, process.exit, SIGINT, SIGTERM, SIGHUP. A SIGKILL of the campaign cannot be
// caught: its workers then exit by themselves (their lifeline pipe reaches EOF), and its
// segments (plh.crash-<pid>-<round>) are dead-owned, so `plh-datablock gc` removes them.
import type { ChildProcess } from 'node:child_process';
import { DataBlock } from '@plh/datablock';

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

export class CrashResources {
  readonly children = new Set<ChildProcess>();
  readonly segments = new Set<string>();
  #installed: Array<[string, (...args: unknown[]) => void]> = [];

  /** SIGKILLs every live worker and unlinks every segment (synchronous, idempotent). */
  releaseAll(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          child.kill('SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    for (const name of this.segments) {
      try {
        DataBlock.unlink(name);
      } catch {
        // Already unlinked.
      }
    }
    this.segments.clear();
  }

  install(log: (line: string) => void): void {
    const onExit = () => this.releaseAll();
    process.on('exit', onExit);
    this.#installed.push(['exit', onExit]);
    for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
      const handler = () => {
        log(`crash: ${signal}: killing the workers and removing the segments`);
        this.releaseAll();
        process.exit(code);
      };
      process.on(signal as NodeJS.Signals, handler);
      this.#installed.push([signal, handler]);
    }
  }

  uninstall(): void {
    for (const [event, handler] of this.#installed) process.off(event as NodeJS.Signals, handler);
    this.#installed = [];
  }
}
