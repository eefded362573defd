// Child side of the warm-worker pool: a process started ahead of time by a WorkerPool has
// imported its worker entry and waits here, inside runWorker, for its assignment (one JSON line
// on the fd named by PLH_WARM_ASSIGN_FD, after it wrote one byte there to say it waits): which
// worker to run, its arguments and environment.
// EOF before a line means the pool closed or the parent died: exit like a lifeline would.
import { Socket } from 'node:net';
import { PARENT_GONE_EXIT_CODE } from '../spawn/lifeline-env.js';
import { WAITING_BYTE, WARM_FD_ENV, type WarmAssignment } from './warm-env.js';

/**
 * The argv this worker runs with: [node, entry, scenario, ...args] from the assignment when the
 * process is a pooled warm worker, undefined otherwise (then runWorker reads process.argv).
 */
export async function warmArgv(): Promise<string[] | undefined> {
  const raw = process.env[WARM_FD_ENV];
  if (raw === undefined) return undefined;
  delete process.env[WARM_FD_ENV];
  const fd = Number(raw);
  if (!/^\d+$/.test(raw) || fd < 3) throw new TypeError(`${WARM_FD_ENV}=${JSON.stringify(raw)} is not an inherited fd number; only a WorkerPool sets it.`);
  const line = await new Promise<string>((resolve) => {
    const socket = new Socket({ fd, readable: true, writable: true });
    socket.on('error', () => {});
    socket.write(WAITING_BYTE); // "imported, waiting": the pool counts this process as warm
    let text = '';
    const gone = () => process.exit(PARENT_GONE_EXIT_CODE);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      socket.off('end', gone);
      socket.off('error', gone);
      socket.destroy();
      resolve(text.slice(0, nl));
    });
    socket.once('end', gone);
    socket.once('error', gone);
  });
  const assignment = JSON.parse(line) as WarmAssignment;
  for (const [key, value] of Object.entries(assignment.env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const argv = [process.argv[0]!, process.argv[1]!, assignment.scenario, ...assignment.args];
  process.argv.splice(0, process.argv.length, ...argv);
  return argv;
}
