// Flattens the timelines of several processes into rows of a sequence diagram: who, what, when,
// and whether it is a message between the test and the process (spawn →, ready ←) or a note.
import { basename } from 'node:path';
import type { TimelineEvent, TimelineSource } from './events.js';

export interface TimelineRow {
  /** Milliseconds since the first event of all processes. */
  ms: number;
  /** Index of the process in the participants list. */
  lane: number;
  /** 'to' the process (spawn), 'from' it (ready, checkpoint), or a note on its lifeline. */
  arrow: 'to' | 'from' | 'note';
  text: string;
}

export function participantName(source: TimelineSource): string {
  return `${source.scenario ?? basename(source.file)} (pid ${source.pid})`;
}

function describeEvent(event: TimelineEvent): Pick<TimelineRow, 'arrow' | 'text'> {
  switch (event.type) {
    case 'spawn': return { arrow: 'to', text: `spawn ${event.command}` };
    case 'ready': return { arrow: 'from', text: event.payload === undefined ? 'ready (pipe)' : `ready (pipe) ${event.payload}` };
    case 'checkpoint': return { arrow: 'from', text: `checkpoint ${event.name}` };
    case 'observed': return event.strategy === 'ready' ? { arrow: 'from', text: event.text } : { arrow: 'note', text: `${event.strategy}: ${event.text}` };
    case 'exit': return { arrow: 'note', text: event.signal ? `killed by ${event.signal}` : `exited with code ${event.exitCode}` };
  }
}

export function timelineRows(sources: readonly TimelineSource[]): TimelineRow[] {
  const tagged = sources.flatMap((source, lane) => source.timeline.map((event) => ({ event, lane })));
  tagged.sort((a, b) => (a.event.hrtime < b.event.hrtime ? -1 : a.event.hrtime > b.event.hrtime ? 1 : 0));
  const origin = tagged[0]?.event.hrtime ?? 0n;
  return tagged.map(({ event, lane }) => ({ ms: Number(event.hrtime - origin) / 1e6, lane, ...describeEvent(event) }));
}
