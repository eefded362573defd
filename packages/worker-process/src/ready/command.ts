// Ready.command(file, args): a health command (pg_isready, redis-cli ping...) that exits 0 when
// the program is ready. Re-run with backoff (1 ms → 50 ms) and on output chunks, one at a time.
import { execFile } from 'node:child_process';
import { pollUntil } from './poll.js';
import { badStrategyArgument, checkOptions } from './validate.js';
import { defineStrategy, type ReadyStrategy } from './strategy.js';

/** Bound of one run of the health command. */
const RUN_BOUND_MS = 5_000;

interface Run { code: number | null; signal: string | null; output: string; error?: string }

function runOnce(file: string, args: readonly string[], env: Record<string, string | undefined> | undefined, signal: AbortSignal): Promise<Run> {
  return new Promise((done) => {
    execFile(file, args, { env: env ? { ...process.env, ...env } : undefined, timeout: RUN_BOUND_MS, signal, encoding: 'utf8' }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: unknown; signal?: string }) | null;
      const output = `${stdout}${stderr}`.trim().slice(-300);
      if (!e) return done({ code: 0, signal: null, output });
      if (typeof e.code === 'number') return done({ code: e.code, signal: e.signal ?? null, output });
      done({ code: null, signal: e.signal ?? null, output, error: typeof e.code === 'string' ? e.code : e.message });
    });
  });
}

export function command(file: string, args: readonly string[] = [], options?: { env?: Record<string, string | undefined> }): ReadyStrategy {
  const where = 'Ready.command()';
  if (typeof file !== 'string' || file.length === 0) throw badStrategyArgument(where, 'the command must be a non-empty string (an executable name or path)', file);
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw badStrategyArgument(where, 'args must be an array of strings', args);
  const o = checkOptions(where, options, ['env']);
  const shown = [file, ...args].join(' ');
  return defineStrategy({
    kind: 'command',
    description: `\`${shown}\` to exit with code 0`,
    needs: {},
    start(context) {
      let runs = 0;
      let last: Run | undefined;
      const result = pollUntil(context, async () => {
        runs++;
        const run = await runOnce(file, args, o.env as Record<string, string | undefined> | undefined, context.signal);
        if (run.error === 'ENOENT') throw badStrategyArgument(where, `${file} was not found (install it or pass its path)`, file);
        if (last?.code !== run.code) context.observe('command', `${shown} → ${run.code ?? run.signal ?? run.error}`);
        last = run;
        return run.code === 0 ? { by: 'command', payload: run.output, output: run.output } : undefined;
      });
      return {
        result,
        report: () => `command: ${shown}: ${last ? `last run ${last.code !== null ? `exit code ${last.code}` : last.signal ?? last.error}${last.output ? `, output ${JSON.stringify(last.output)}` : ''}` : 'not run yet'} (${runs} runs)`,
      };
    },
  });
}
