// Readiness strategies against wait-on: detection latency from the moment a condition becomes
// true in the child (its monotonic stamp) to the resolve of the wait in the parent. TCP listening,
// HTTP 200 and a file appearing, for plh's Ready strategies and wait-on 9.5.1 at its default
// interval (250 ms, window 750 ms) and at a tight one (10 ms); Ready.log against a raw pipe read.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ready, spawnProcess, type ReadyStrategy } from '@plh/worker-process';
import waitOn from 'wait-on';
import { ratio, sampleStats, type Benchmark, type Goal, type SampleStats } from './harness.js';

const CHILD = fileURLToPath(new URL('./readiness-child.js', import.meta.url));
const WAIT_MS = 20_000;
const TIGHT = { interval: 10, window: 10 } as const;

type Condition = 'tcp' | 'http' | 'file';
type Method = 'plh' | 'wait-on default' | 'wait-on 10 ms';
const CONDITIONS: Condition[] = ['tcp', 'http', 'file'];
const METHODS: Method[] = ['plh', 'wait-on default', 'wait-on 10 ms'];
const PLH_LABEL: Record<Condition, string> = { tcp: 'Ready.listening({ port })', http: "Ready.http('/')", file: 'Ready.file(path)' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** One spawn, one wait; returns nanoseconds from the child's stamp to the parent's resolve. */
async function sampleOnce(condition: Condition, method: Method, dir: string, index: number): Promise<number> {
  const port = await freePort();
  const file = join(dir, 'files', `ready-${index}-${method.length}`);
  const stampFile = join(dir, `stamp-${condition}-${index}-${method.length}`);
  const target = condition === 'file' ? file : String(port);
  const args = [CHILD, condition, target, stampFile];
  let at: bigint;
  if (method === 'plh') {
    const strategy: ReadyStrategy = condition === 'tcp' ? Ready.listening({ port }) : condition === 'http' ? Ready.http('/') : Ready.file(file);
    const child = spawnProcess(process.execPath, args, { ready: strategy });
    try {
      await child.waitForReady({ timeoutMs: WAIT_MS });
      at = process.hrtime.bigint();
    } finally {
      await child.terminate();
    }
  } else {
    const resource = condition === 'tcp' ? `tcp:127.0.0.1:${port}` : condition === 'http' ? `http-get://127.0.0.1:${port}/` : file;
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    try {
      await waitOn({ resources: [resource], timeout: WAIT_MS, ...(method === 'wait-on 10 ms' ? TIGHT : {}) });
      at = process.hrtime.bigint();
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  }
  return Number(at - BigInt(readFileSync(stampFile, 'utf8')));
}

/** Ready.log against the floor: the same child writes its stamp to a raw pipe instead. */
async function logSample(method: 'plh' | 'raw'): Promise<number> {
  if (method === 'plh') {
    const child = spawnProcess(process.execPath, [CHILD, 'log'], { ready: Ready.log(/^ready (\d+)$/) });
    try {
      const { payload } = await child.waitForReady({ timeoutMs: WAIT_MS });
      return Number(process.hrtime.bigint() - BigInt(payload!));
    } finally {
      await child.terminate();
    }
  }
  const child = spawn(process.execPath, [CHILD, 'raw-pipe'], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
  try {
    const chunk = await new Promise<Buffer>((resolve) => child.stdio[3]!.once('data', resolve));
    return Number(process.hrtime.bigint() - BigInt(chunk.toString()));
  } finally {
    child.kill('SIGTERM');
    await exited(child);
  }
}

const ms = (ns: number): string => (ns / 1e6).toFixed(2);

export const readiness: Benchmark = {
  name: 'readiness',
  description: 'condition true → wait resolved: Ready.listening/http/file against wait-on 9.5.1; Ready.log against a raw pipe',
  async run({ quick }) {
    const rounds = quick ? 5 : 25;
    const dir = mkdtempSync(join(tmpdir(), 'plh-bench-readiness-'));
    mkdirSync(join(dir, 'files'));
    const samples = new Map<string, number[]>();
    const push = (key: string, value: number): void => void (samples.get(key) ?? samples.set(key, []).get(key)!).push(value);
    try {
      for (let i = 0; i < rounds; i++) {
        // Rotate the order each round so no method always follows another.
        for (let k = 0; k < METHODS.length; k++) {
          for (const condition of CONDITIONS) {
            const method = METHODS[(i + k) % METHODS.length]!;
            push(`${condition}/${method}`, await sampleOnce(condition, method, dir, i));
          }
        }
        for (const method of (i % 2 ? ['plh', 'raw'] : ['raw', 'plh']) as Array<'plh' | 'raw'>) push(`log/${method}`, await logSample(method));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const stats = Object.fromEntries([...samples].map(([key, list]) => [key, sampleStats(list)])) as Record<string, SampleStats>;
    const rows: Array<Array<string | number>> = [];
    const goals: Goal[] = [];
    for (const condition of CONDITIONS) {
      const plh = stats[`${condition}/plh`]!;
      for (const method of METHODS) {
        const s = stats[`${condition}/${method}`]!;
        rows.push([condition, method === 'plh' ? `plh ${PLH_LABEL[condition]}` : method, s.n, ms(s.p50), ms(s.p99), method === 'plh' ? '1' : ratio(plh.p50, s.p50)]);
      }
      const byDefault = stats[`${condition}/wait-on default`]!;
      const byTight = stats[`${condition}/wait-on 10 ms`]!;
      goals.push(
        { measure: `readiness ${condition} p50`, goal: 'at most 1/10 of wait-on at its default', met: plh.p50 <= byDefault.p50 / 10, value: ratio(plh.p50, byDefault.p50) },
        { measure: `readiness ${condition} p50`, goal: 'below wait-on at 10 ms', met: plh.p50 < byTight.p50, value: ratio(plh.p50, byTight.p50) },
      );
    }
    const log = stats['log/plh']!;
    const raw = stats['log/raw']!;
    rows.push(['log line', "plh Ready.log(/^ready (\\d+)$/)", log.n, ms(log.p50), ms(log.p99), '1']);
    rows.push(['log line', 'raw pipe read (floor)', raw.n, ms(raw.p50), ms(raw.p99), ratio(log.p50, raw.p50)]);
    return {
      title: `Readiness detection latency, condition true → wait resolved (${rounds} rounds)`,
      columns: ['condition', 'method', 'samples', 'p50 (ms)', 'p99 (ms)', 'plh p50 / this p50'],
      rows,
      notes: [
        'wait-on 9.5.1 default: interval 250 ms, window 750 ms (a file must keep its size that long); tight: interval 10 ms, window 10 ms (the window cannot be below the interval).',
        `Ready.log p50 is ${ratio(log.p50, raw.p50)} of a raw pipe read (the child's write → the parent's resolve).`,
      ],
      goals,
      data: { stats, unit: 'ns' },
    };
  },
};
