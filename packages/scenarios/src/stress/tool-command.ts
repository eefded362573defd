import { UsageError } from './args.js';
import { StoppedError, exitCodeFor } from './guard.js';

/** Runs a stress/compare/fuzz command: usage errors (and unknown scenario names) exit 2. */
export async function runToolCommand(command: string, body: () => Promise<number>, usage: string): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof StoppedError) {
      console.error(`plh-scenarios ${command}: ${err.message}; hogs and the last run cleaned up`);
      return exitCodeFor(err.signal);
    }
    if (err instanceof UsageError) {
      console.error(`plh-scenarios ${command}: ${err.message}\n\n${usage}`);
      return 2;
    }
    if (err instanceof Error && err.message.startsWith('unknown scenario')) {
      console.error(`plh-scenarios ${command}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
