// Ready.signal(): the ready pipe of @plh/ready-signal (the child writes to $PLH_TEST_READY_FD).
import { defineStrategy, type ReadyStrategy } from './strategy.js';

export function signal(): ReadyStrategy {
  return defineStrategy({
    kind: 'signal',
    description: 'the ready signal on $PLH_TEST_READY_FD (signalTestReady(), or any byte written to that fd)',
    needs: { readyPipe: true },
    start(context) {
      const pipe = context.readyPipe!;
      const result = pipe.waitForReady({ timeoutMs: Infinity, signal: context.signal }).then((r) => {
        context.observe('signal', r.payload === undefined ? 'ready' : `ready ${r.payload}`);
        return r.payload === undefined ? { by: 'signal' } : { by: 'signal', payload: r.payload };
      });
      return {
        result,
        report: () => `signal: ${pipe.events.length > 0 ? 'ready received' : 'nothing on the ready pipe yet'}`,
      };
    },
  });
}
