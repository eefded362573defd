// Which live workers a test's fixtures hold. A file- or worker-scoped fixture is set up lazily
// inside the first test that uses it, so "started during this test" alone would count its server
// as the test's own; the fixture values that vitest puts on the test context tell them apart.
import type { Terminable } from '../exit/registry.js';

const BUILTIN = new Set(['task', 'signal', 'onTestFailed', 'onTestFinished', 'skip', 'annotate', 'expect']);

/**
 * The members of `live` that are a fixture value of `context`, or a direct property or element
 * of one (e.g. `{ server, url }`).
 */
export function heldByFixtures(context: object | undefined, live: ReadonlySet<Terminable>): Set<Terminable> {
  const held = new Set<Terminable>();
  if (!context) return held;
  const consider = (value: unknown) => {
    if (live.has(value as Terminable)) held.add(value as Terminable);
  };
  for (const key of Object.keys(context)) {
    if (BUILTIN.has(key)) continue;
    let value: unknown;
    try {
      value = (context as Record<string, unknown>)[key];
    } catch {
      continue;
    }
    consider(value);
    if (value !== null && typeof value === 'object' && !live.has(value as Terminable)) {
      for (const inner of Array.isArray(value) ? value : Object.values(value)) consider(inner);
    }
  }
  return held;
}
