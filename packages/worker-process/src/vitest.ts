// vitest integration: process fixtures (test, file or worker scope), a global setup that starts a
// shared service once, and cleanupWorkersAfterEach for files that spawn without fixtures.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { killAllWorkers } from './exit/kill-all.js';
import { fixtureOwnedWorkers, liveWorkers, type Terminable } from './exit/registry.js';
import { heldByFixtures } from './runners/held.js';
import { ProcessScope } from './runners/scope.js';

export { killAllWorkers, ProcessScope };

interface FixtureContext {
  signal?: AbortSignal;
  onTestFailed?: (handler: (context: { task: { result?: { errors?: Array<{ message: string }> } } }) => unknown) => void;
}

/**
 * A vitest fixture (for `test.extend`) whose value is what `start` returns. `start` spawns through
 * the ProcessScope it receives: those processes get the test's AbortSignal (test scope) and are
 * terminated, exactly those, when the fixture ends. Give the scope with vitest's tuple form:
 * `test.extend({ server: [processFixture(start), { scope: 'file' }] })`. A failing test that used
 * a test-scoped process fixture gets the processes' output tails and timeline in its error.
 */
export function processFixture<T, C = Record<string, unknown>>(
  start: (scope: ProcessScope, context: C) => T | Promise<T>,
  options: { graceMs?: number } = {},
): (context: C, use: (value: T) => Promise<void>) => Promise<void> {
  // vitest reads a fixture's first parameter for the fixtures it depends on, and accepts only a
  // destructuring pattern there: a function without parameters reads both from `arguments`.
  return async function processFixtureSetup(this: unknown) {
    // biome-ignore lint/complexity/noArguments: vitest parses declared parameters as fixture names
    const [context, use] = arguments as unknown as [C, (value: T) => Promise<void>];
    const ctx = context as FixtureContext;
    const scope = new ProcessScope({ signal: ctx.signal, graceMs: options.graceMs, owned: true });
    ctx.onTestFailed?.(({ task }) => attachReport(task.result?.errors, scope.report()));
    try {
      await use(await start(scope, context));
    } finally {
      await scope.terminate();
    }
  };
}

function attachReport(errors: Array<{ message: string }> | undefined, report: string): void {
  const first = errors?.[0];
  if (first && report) first.message = `${first.message}\n\n${report}`;
}

/**
 * A vitest globalSetup (default export of the setup file) that starts a shared service once per
 * run, hands `await start(scope)` to the tests under `key` (`inject(key)`), and terminates the
 * service's processes at the end of the run. The value must be serializable (an address, a port).
 */
export function processGlobalSetup<T>(key: string, start: (scope: ProcessScope) => T | Promise<T>, options: { graceMs?: number } = {}) {
  return async ({ provide }: { provide: (key: never, value: never) => void }): Promise<() => Promise<void>> => {
    const scope = new ProcessScope({ graceMs: options.graceMs, owned: true });
    try {
      provide(key as never, (await start(scope)) as never);
    } catch (error) {
      await scope.terminate();
      throw error;
    }
    return () => scope.terminate();
  };
}

/**
 * Registers hooks in the current file or describe block that terminate, when a test ends (passed
 * or failed), the workers that test started and left running (SIGTERM, then SIGKILL after
 * graceMs, default 500 ms), and at the end of the block those its beforeAll hooks started.
 * Left alone: processes of processFixture / processGlobalSetup, and workers a fixture value holds
 * (the fixture value itself, or a property of it): a file-scoped fixture's server lives on.
 */
export function cleanupWorkersAfterEach(options: { graceMs?: number } = {}): void {
  const graceMs = options.graceMs ?? 500;
  let atBlockStart = new Set<Terminable>();
  let atTestStart = new Set<Terminable>();
  const startedSince = (before: Set<Terminable>): Terminable[] => {
    const owned = fixtureOwnedWorkers();
    return [...liveWorkers()].filter((worker) => !before.has(worker) && !owned.has(worker));
  };
  beforeAll(() => {
    atBlockStart = new Set(liveWorkers());
  });
  beforeEach(() => {
    atTestStart = new Set(liveWorkers());
  });
  // No parameter (vitest would parse it for fixtures): the test context is arguments[0].
  afterEach(async function cleanupAfterTest(this: unknown) {
    // biome-ignore lint/complexity/noArguments: vitest parses declared parameters as fixture names
    const context = arguments[0] as object | undefined;
    const held = heldByFixtures(context, liveWorkers());
    const mine = startedSince(atTestStart).filter((worker) => !held.has(worker));
    await Promise.all(mine.map((worker) => worker.terminate({ graceMs })));
  });
  afterAll(async () => {
    await Promise.all(startedSince(atBlockStart).map((worker) => worker.terminate({ graceMs })));
  });
}
