// Ready.all / Ready.any / Ready.sequence: strategies made of strategies.
import { badStrategyArgument } from './validate.js';
import { defineStrategy, isStrategy, type ReadyContext, type ReadyResult, type ReadyStrategy, type ReadyWatch } from './strategy.js';

function checkMembers(where: string, members: unknown[]): ReadyStrategy[] {
  if (members.length === 0) throw badStrategyArgument(where, 'pass at least one strategy (Ready.listening(), Ready.log(...), ...)', members);
  for (const m of members) if (!isStrategy(m)) throw badStrategyArgument(where, 'every argument must be a strategy made by a Ready.* function', m);
  return members as ReadyStrategy[];
}

function needsOf(members: readonly ReadyStrategy[]): ReadyStrategy['needs'] {
  return {
    readyPipe: members.some((m) => m.needs.readyPipe),
    notifySocket: members.some((m) => m.needs.notifySocket),
  };
}

function firstPayload(results: readonly ReadyResult[]): { payload?: string } {
  const withPayload = results.find((r) => r.payload !== undefined);
  return withPayload ? { payload: withPayload.payload } : {};
}

/** The fields every combinator derives from its members. */
function composite(kind: string, description: string, list: ReadyStrategy[], start: ReadyStrategy['start']): ReadyStrategy {
  return defineStrategy({
    kind,
    description,
    needs: needsOf(list),
    watchesExit: list.some((m) => m.watchesExit),
    members: list,
    start,
  });
}

/** Resolves when every member is ready (started together); fails when one fails. */
export function all(...members: ReadyStrategy[]): ReadyStrategy {
  const list = checkMembers('Ready.all()', members);
  return composite('all', `all of: ${list.map((m) => m.description).join('; ')}`, list, (context) => {
    const watches = list.map((m) => m.start(context));
    const result = Promise.all(watches.map((w) => w.result)).then((results) => ({ by: 'all', ...firstPayload(results), results }));
    return { result, report: () => watches.map((w) => w.report()).join('\n') };
  });
}

/** Resolves with the first member that is ready (`by` names it); fails when every member failed. */
export function any(...members: ReadyStrategy[]): ReadyStrategy {
  const list = checkMembers('Ready.any()', members);
  return composite('any', `any of: ${list.map((m) => m.description).join('; ')}`, list, (context) => {
    const watches = list.map((m) => m.start(context));
    const result = Promise.any(watches.map((w) => w.result)).catch((error: AggregateError) => {
      throw error.errors[0];
    });
    return { result, report: () => watches.map((w) => w.report()).join('\n') };
  });
}

/** Members one after the other: each starts when the previous one is ready. */
export function sequence(...members: ReadyStrategy[]): ReadyStrategy {
  const list = checkMembers('Ready.sequence()', members);
  return composite('sequence', `in order: ${list.map((m) => m.description).join(' → ')}`, list, (context: ReadyContext) => {
    const watches: ReadyWatch[] = [];
    const result = (async () => {
      const results: ReadyResult[] = [];
      for (const member of list) {
        const watch = member.start(context);
        watches.push(watch);
        results.push(await watch.result);
      }
      return { by: 'sequence', ...firstPayload(results), results };
    })();
    const report = (): string => {
      const waiting = list.slice(watches.length).map((m) => `${m.kind}: not started (waits for the previous step)`);
      return [...watches.map((w) => w.report()), ...waiting].join('\n');
    };
    return { result, report };
  });
}
