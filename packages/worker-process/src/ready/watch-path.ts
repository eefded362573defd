// Calls back whenever something may have changed at `path`: fs.watch on the deepest existing
// directory on the way to it (re-armed as directories appear), plus one first call after the
// watch is armed (so nothing created before the wait is missed). No interval.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function watchPath(path: string, signal: AbortSignal, onMaybeChanged: () => void): void {
  const target = resolve(path);
  let watcher: FSWatcher | undefined;
  let watched = '';
  // Loops until the deepest existing directory is the watched one: a directory created between
  // the existence check and the new watch (mkdir -p) fires no event on the new watch, so look
  // again after arming it.
  const arm = (): void => {
    for (;;) {
      let dir = dirname(target);
      while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
      if (dir === watched) return;
      watcher?.close();
      watched = dir;
      try {
        watcher = watch(dir, { persistent: false }, () => {
          arm();
          onMaybeChanged();
        });
        watcher.on('error', () => {});
      } catch {
        watcher = undefined; // unreadable directory: the first check still runs
      }
    }
  };
  if (signal.aborted) return;
  arm();
  signal.addEventListener('abort', () => watcher?.close(), { once: true });
  onMaybeChanged();
}
