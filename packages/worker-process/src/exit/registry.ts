/** Something the registry can terminate: a live WorkerProcess. */
export interface Terminable {
  terminate(options?: { graceMs?: number }): Promise<unknown>;
}

// One registry per process even if the package is loaded twice (ESM + CJS, or dist/index + dist/vitest).
const KEY = Symbol.for('@plh/worker-process.registry');
type Global = typeof globalThis & { [KEY]?: Set<Terminable> };

export function liveWorkers(): Set<Terminable> {
  const g = globalThis as Global;
  return (g[KEY] ??= new Set());
}
