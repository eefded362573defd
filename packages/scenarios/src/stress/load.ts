import { guardProcesses } from './guard.js';
import { startHogs } from './hogs.js';
import { memoryHogBytes, startMemoryHog } from './memory.js';

export interface LoadOptions {
  /** CPU hogs (busy child processes). */
  hogs: number;
  /** Also hold a large allocation in a child (see memory.ts). */
  memoryTight?: boolean;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

export interface LoadInfo {
  hogs: number;
  memoryBytes: number;
}

/**
 * Runs `body` under load: hogs start before it and are killed after it, whatever happens
 * (exception, signal, process.exit).
 */
export async function withLoad<T>(options: LoadOptions, body: (load: LoadInfo) => Promise<T>): Promise<T> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const hogs = startHogs(options.hogs);
  const unguardHogs = guardProcesses(hogs.killNow);
  let unguardMemory = () => {};
  let memory: Awaited<ReturnType<typeof startMemoryHog>> | undefined;
  try {
    if (options.memoryTight) {
      const bytes = memoryHogBytes();
      if (bytes > 0) {
        // Guarded while it allocates, too.
        const pending = startMemoryHog(bytes);
        memory = await pending;
        unguardMemory = guardProcesses(memory.killNow);
      }
      log(`stress: memory hog holds ${(memory?.bytes ?? 0) / 1024 ** 3} GiB`);
    }
    log(`stress: ${options.hogs} hogs started (pids ${hogs.pids.join(' ')})`);
    return await body({ hogs: options.hogs, memoryBytes: memory?.bytes ?? 0 });
  } finally {
    await hogs.stop();
    unguardHogs();
    if (memory) await memory.stop();
    unguardMemory();
  }
}
