// The text a failing test gets about its processes: for each, how it ended and the last lines of
// its output, then the sequence diagram of their timelines.
import { renderTimeline } from '../timeline/render.js';
import type { WorkerProcess } from '../worker-process.js';

const TAIL_LINES = 20;

function tail(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const kept = lines.slice(-TAIL_LINES);
  return (lines.length > kept.length ? `  … ${lines.length - kept.length} earlier lines\n` : '') + kept.map((line) => `  | ${line}`).join('\n');
}

function status(process: WorkerProcess): string {
  const last = process.timeline.at(-1);
  if (last?.type !== 'exit') return 'still running';
  return last.signal ? `killed by ${last.signal}` : `exited with code ${last.exitCode}`;
}

export function describeProcesses(processes: readonly WorkerProcess[]): string {
  if (processes.length === 0) return '';
  const parts = processes.map((p) => {
    const name = `${p.scenario ?? p.file} (pid ${p.pid}): ${status(p)}`;
    const out = p.stdout ? `\n stdout:\n${tail(p.stdout)}` : '';
    const err = p.stderr ? `\n stderr:\n${tail(p.stderr)}` : '';
    return name + (out || err ? out + err : '\n (no output)');
  });
  return `Processes of this test:\n${parts.join('\n')}\n\nTimeline:\n${renderTimeline(processes)}`;
}
