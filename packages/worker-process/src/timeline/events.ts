// What happened to one process, in order, stamped with process.hrtime.bigint(): its spawn, the
// messages of its ready pipe, what the readiness strategies observed, readiness, its exit.
import type { ReadySignalEvent } from '@plh/ready-signal';

export type TimelineEvent =
  | { type: 'spawn'; hrtime: bigint; command: string }
  | ReadySignalEvent
  | { type: 'observed'; hrtime: bigint; strategy: string; text: string }
  | { type: 'exit'; hrtime: bigint; exitCode: number | null; signal: NodeJS.Signals | null };

/** Something with a timeline: a WorkerProcess, or a plain object for a process started elsewhere. */
export interface TimelineSource {
  readonly pid: number;
  readonly file: string;
  readonly scenario?: string | undefined;
  readonly timeline: ReadonlyArray<TimelineEvent>;
}

/** Merges event lists by hrtime (stable for equal stamps). */
export function mergeEvents(...lists: Array<ReadonlyArray<TimelineEvent>>): TimelineEvent[] {
  return lists.flat().map((event, index) => ({ event, index }))
    .sort((a, b) => (a.event.hrtime < b.event.hrtime ? -1 : a.event.hrtime > b.event.hrtime ? 1 : a.index - b.index))
    .map(({ event }) => event);
}
