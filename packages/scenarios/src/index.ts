export type { Scenario, ScenarioContext, SpawnOptions } from './scenario.js';
export { scenarios, findScenarios } from './catalog/index.js';
export { runScenario, runScenarios, type ScenarioResult, type RunOptions } from './runner.js';
export { summarise, formatTable, type ScenarioSummary } from './report.js';
export { workersEntry } from './context.js';
export type { WorkerName } from './workers/registry.js';
