// Renders the processes of a test as a sequence diagram: text (terminals, error messages) or
// Mermaid (reports). The test is the first participant; each process has a lifeline.
import type { TimelineSource } from './events.js';
import { participantName, timelineRows } from './rows.js';

export interface RenderTimelineOptions {
  format?: 'text' | 'mermaid';
  /** Name of the first participant (default 'test'). */
  self?: string;
}

const TEXT_MAX = 120;

function renderText(sources: readonly TimelineSource[], self: string): string {
  const names = [self, ...sources.map(participantName)];
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const pad = (s: string): string => s.padEnd(width);
  const lines = [`${'ms'.padStart(10)}  ${names.map(pad).join('')}`];
  for (const row of timelineRows(sources)) {
    const target = row.lane + 1;
    const cells = names.map((_, i) => {
      if (row.arrow === 'note' || (i !== 0 && i !== target)) {
        return pad(i === target && row.arrow === 'note' ? '●' : i > 0 && i < target && row.arrow !== 'note' ? '─'.repeat(width) : '│');
      }
      if (i === 0) return row.arrow === 'to' ? '├' + '─'.repeat(width - 1) : '◄' + '─'.repeat(width - 1);
      return pad(row.arrow === 'to' ? '►' : '┤');
    });
    const text = row.text.length > TEXT_MAX ? `${row.text.slice(0, TEXT_MAX - 1)}…` : row.text;
    lines.push(`${row.ms.toFixed(3).padStart(10)}  ${cells.join('')}${text}`);
  }
  return lines.join('\n');
}

const mermaidText = (text: string): string => text.replace(/[;#\n]/g, ' ').slice(0, TEXT_MAX);

function renderMermaid(sources: readonly TimelineSource[], self: string): string {
  const lines = ['sequenceDiagram', `  participant T as ${mermaidText(self)}`];
  for (const [i, source] of sources.entries()) lines.push(`  participant P${i} as ${mermaidText(participantName(source))}`);
  for (const row of timelineRows(sources)) {
    const p = `P${row.lane}`;
    const text = `${mermaidText(row.text)} (+${row.ms.toFixed(1)} ms)`;
    if (row.arrow === 'to') lines.push(`  T->>${p}: ${text}`);
    else if (row.arrow === 'from') lines.push(`  ${p}-->>T: ${text}`);
    else lines.push(`  Note over ${p}: ${text}`);
  }
  return lines.join('\n');
}

/** A sequence diagram of these processes' timelines (WorkerProcess objects, or the same shape). */
export function renderTimeline(sources: readonly TimelineSource[], options: RenderTimelineOptions = {}): string {
  const self = options.self ?? 'test';
  return options.format === 'mermaid' ? renderMermaid(sources, self) : renderText(sources, self);
}
