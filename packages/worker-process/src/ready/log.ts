// Ready.log(pattern): a line the program prints. Everything it wrote since spawn is scanned, so a
// line printed before the wait began is not missed; only complete lines count (a partial line
// counts once its stream ends).
import { StringDecoder } from 'node:string_decoder';
import { checkOptions, checkPositiveInteger, badStrategyArgument } from './validate.js';
import { defineStrategy, type OutputStream, type ReadyStrategy } from './strategy.js';

export interface LogOptions {
  /** Which output to scan (default 'both'). */
  stream?: 'stdout' | 'stderr' | 'both';
  /** The nth matching line makes it ready (default 1; e.g. 2 for postgres' init server). */
  nth?: number;
}

function matcher(pattern: string | RegExp): (line: string) => { payload: string } | undefined {
  if (typeof pattern === 'string') return (line) => (line.includes(pattern) ? { payload: line } : undefined);
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')); // no lastIndex state
  return (line) => {
    const m = re.exec(line);
    return m ? { payload: m[1] ?? line } : undefined;
  };
}

export function log(pattern: string | RegExp, options?: LogOptions): ReadyStrategy {
  const where = 'Ready.log()';
  if (!(typeof pattern === 'string' && pattern.length > 0) && !(pattern instanceof RegExp)) {
    throw badStrategyArgument(where, 'the pattern must be a non-empty string or a RegExp', pattern);
  }
  const o = checkOptions(where, options, ['stream', 'nth']);
  const which = o.stream ?? 'both';
  if (which !== 'stdout' && which !== 'stderr' && which !== 'both') throw badStrategyArgument(where, "stream must be 'stdout', 'stderr' or 'both'", which);
  const nth = checkPositiveInteger(where, 'nth', o.nth, 1);
  const streams: OutputStream[] = which === 'both' ? ['stdout', 'stderr'] : [which];
  const match = matcher(pattern);
  return defineStrategy({
    kind: 'log',
    description: `${nth > 1 ? `the ${nth}th line` : 'a line'} of ${which === 'both' ? 'stdout or stderr' : which} matching ${String(pattern)}`,
    needs: {},
    start(context) {
      let matches = 0;
      let lines = 0;
      const partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
      // A chunk may end inside a multi-byte character: decode each stream as one text.
      const decoders: Record<OutputStream, StringDecoder> = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
      let settle: ((value: { by: string; payload: string; line: string; stream: OutputStream }) => void) | undefined;
      const result = new Promise<{ by: string; payload: string; line: string; stream: OutputStream }>((resolve) => (settle = resolve));
      const scanLine = (stream: OutputStream, raw: string): boolean => {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        lines++;
        const m = match(line);
        if (!m || ++matches < nth) return false;
        context.observe('log', `${stream}: ${line.slice(0, 200)}`);
        settle!({ by: 'log', payload: m.payload, line, stream });
        return true;
      };
      let done = false;
      const feed = (stream: OutputStream, text: string): void => {
        if (done || !streams.includes(stream)) return;
        const parts = (partial[stream] + text).split('\n');
        partial[stream] = parts.pop()!;
        for (const line of parts) if (scanLine(stream, line)) return void (done = true);
      };
      for (const stream of streams) feed(stream, context.output(stream));
      const off = context.onOutput((stream, chunk) => feed(stream, decoders[stream].write(chunk)));
      const flushPartials = (): void => {
        for (const stream of streams) {
          if (!done && partial[stream]) done = scanLine(stream, partial[stream]);
          partial[stream] = '';
        }
      };
      context.child.once('close', flushPartials);
      context.signal.addEventListener('abort', () => {
        off();
        context.child.off('close', flushPartials);
      }, { once: true });
      return {
        result,
        report: () => `log: ${matches} of ${nth} matching line(s) in ${lines} line(s) of ${which === 'both' ? 'stdout and stderr' : which}`,
      };
    },
  });
}
