// `plh-scenarios run --timeline DIR`: one sequence diagram per scenario run, as text (NAME.txt)
// and as Mermaid (NAME.mmd), from the timelines of the processes the scenario spawned.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTimeline, type TimelineSource } from '@plh/worker-process';

export function writeTimeline(dir: string, name: string, iteration: number, processes: readonly TimelineSource[]): string[] {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, iteration > 1 ? `${name}.${iteration}` : name);
  const files = [`${base}.txt`, `${base}.mmd`];
  writeFileSync(files[0]!, `${renderTimeline(processes, { self: 'scenario' })}\n`);
  writeFileSync(files[1]!, `${renderTimeline(processes, { self: 'scenario', format: 'mermaid' })}\n`);
  return files;
}
