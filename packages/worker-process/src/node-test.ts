// node:test integration: a ProcessScope per test (t.signal in, t.after cleanup), and a wrapper
// that appends the processes' output tails and timeline to a failing test's error.
import { ProcessScope } from './runners/scope.js';

export { ProcessScope };

/** The parts of node:test's TestContext used here. */
export interface NodeTestContextLike {
  signal?: AbortSignal;
  after(fn: () => unknown): unknown;
}

/**
 * A ProcessScope for one test: its spawns get `t.signal`, and `t.after` terminates exactly the
 * processes it started (with everything they forked), passed or failed.
 */
export function processScope(t: NodeTestContextLike, options: { graceMs?: number } = {}): ProcessScope {
  const scope = new ProcessScope({ signal: t.signal, graceMs: options.graceMs, owned: true });
  t.after(() => scope.terminate());
  return scope;
}

/**
 * Wraps a test function: it gets a processScope(t) as second argument, and if it throws, the
 * error's message ends with each process's status, output tails and the timeline.
 * `test('name', withProcesses(async (t, scope) => { ... }))`.
 */
export function withProcesses<T extends NodeTestContextLike>(
  fn: (t: T, scope: ProcessScope) => unknown,
  options: { graceMs?: number } = {},
): (t: T) => Promise<void> {
  return async (t) => {
    const scope = processScope(t, options);
    try {
      await fn(t, scope);
    } catch (error) {
      await scope.terminate(); // the report then holds how each process ended
      const report = scope.report();
      if (report && error instanceof Error) {
        error.message = `${error.message}\n\n${report}`;
        error.stack = `${error.stack ?? ''}\n\n${report}`; // reporters print the stack, made at construction
      }
      throw error;
    }
  };
}
