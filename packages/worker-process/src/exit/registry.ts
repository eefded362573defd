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

const OWNED_KEY = Symbol.for('@plh/worker-process.fixture-owned');
type OwnedGlobal = typeof globalThis & { [OWNED_KEY]?: WeakSet<Terminable> };

/** Workers that a test-runner fixture started and will terminate itself: cleanupWorkersAfterEach leaves them alone. */
export function fixtureOwnedWorkers(): WeakSet<Terminable> {
  const g = globalThis as OwnedGlobal;
  return (g[OWNED_KEY] ??= new WeakSet());
}
