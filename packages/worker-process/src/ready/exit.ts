// Ready.exit({ code }): one-shot programs (a migration, a build step) are ready when they exit
// with the expected code; another code fails the wait at once.
import { describeExit } from '../return/describe.js';
import { badStrategyArgument, checkOptions } from './validate.js';
import { defineStrategy, ReadyFailure, type ReadyStrategy } from './strategy.js';

export function exit(options?: { code?: number }): ReadyStrategy {
  const o = checkOptions('Ready.exit()', options, ['code']);
  const code = o.code ?? 0;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 255) {
    throw badStrategyArgument('Ready.exit()', 'code must be an integer from 0 to 255', code);
  }
  return defineStrategy({
    kind: 'exit',
    description: `the program to exit with code ${code}`,
    needs: {},
    watchesExit: true,
    start(context) {
      const result = context.exit.then((info) => {
        context.observe('exit', describeExit(info));
        if (info.exitCode === code) return { by: 'exit', payload: String(code), exitCode: code };
        throw new ReadyFailure('exit', `it ${describeExit(info)} (expected exit code ${code})`);
      });
      return { result, report: () => `exit: ${describeExit(context.exited())}` };
    },
  });
}
