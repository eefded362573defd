import type { Scenario } from '../scenario.js';
import { mutexScenarios } from './mutex.js';
import { signalScenarios } from './signals.js';
import { slotDrainingScenarios } from './slots-draining.js';
import { slotExchangeScenarios } from './slots-exchange.js';
import { slotPolicyScenarios } from './slots-policies.js';
import { slotRecoveryScenarios } from './slots-recovery.js';

/** Every scenario, in the order `plh-scenarios run` runs them. */
export const scenarios: readonly Scenario[] = [
  ...signalScenarios,
  ...mutexScenarios,
  ...slotExchangeScenarios,
  ...slotPolicyScenarios,
  ...slotDrainingScenarios,
  ...slotRecoveryScenarios,
];

export function findScenarios(patterns: readonly string[]): Scenario[] {
  if (patterns.length === 0) return [...scenarios];
  const unknown = patterns.filter(
    (pattern) => !scenarios.some((scenario) => matches(scenario.name, pattern)),
  );
  if (unknown.length > 0) {
    const known = scenarios.map((scenario) => `  ${scenario.name}`).join('\n');
    throw new Error(`unknown scenario ${unknown.map((u) => `'${u}'`).join(', ')}; known:\n${known}`);
  }
  return scenarios.filter((scenario) => patterns.some((pattern) => matches(scenario.name, pattern)));
}

/** A pattern is a full name, a name without its module prefix, or a module prefix (`signals`). */
function matches(name: string, pattern: string): boolean {
  const shortName = name.slice(name.indexOf('.') + 1);
  return name === pattern || shortName === pattern || name.startsWith(`${pattern}.`);
}
