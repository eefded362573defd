// Where the one worker entry (workers.ts, built as dist/workers.js) is: every process the
// scenarios, the baseline comparison and the crash and fuzz campaigns start runs it, with a
// worker name from workers/registry.ts. No other imports: worker code may import this.
import { fileURLToPath } from 'node:url';

/** dist/workers.js, next to the bundled code that imports this. */
export const workersEntry = fileURLToPath(new URL('./workers.js', import.meta.url));
