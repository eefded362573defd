// Ready.fdLine(): the program writes one line to the fd named in $PLH_TEST_READY_FD (Xvfb
// -displayfd, dbus-daemon --print-address=FD, s6 notification-fd); the line is the payload.
import { checkOnEachChange, defineStrategy, type ReadyStrategy } from './strategy.js';

export function fdLine(): ReadyStrategy {
  return defineStrategy({
    kind: 'fdLine',
    description: 'one line on the fd named in $PLH_TEST_READY_FD (fd 3)',
    needs: { readyPipe: true },
    start(context) {
      const first = context.firstLine!;
      const result = new Promise<{ by: string; payload: string }>((resolve) => {
        const check = (): boolean => {
          if (first.line === undefined) return false;
          context.observe('fdLine', `line ${JSON.stringify(first.line)}`);
          resolve({ by: 'fdLine', payload: first.line });
          return true;
        };
        checkOnEachChange(check, (onChange) => first.onChange(onChange), context.signal);
      });
      return {
        result,
        report: () =>
          first.line !== undefined ? `fdLine: line ${JSON.stringify(first.line)}`
          : first.closedEmpty ? 'fdLine: the fd was closed without a line'
          : `fdLine: no complete line yet${first.partial ? ` (so far ${JSON.stringify(first.partial)})` : ''}`,
      };
    },
  });
}
