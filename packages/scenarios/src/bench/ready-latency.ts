// Ready latency: child write → parent resolve, over many spawns, for plh's ready signal and the
// alternatives: a raw pipe read with node:child_process (the floor), the Node IPC channel
// (process.send) and polling a file every 10 ms. Methods are interleaved so noise hits all.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attachReadySignal, prepareReadySignal } from '@plh/ready-signal';
import { formatUs, ratio, sampleStats, type Benchmark, type SampleStats } from './harness.js';

const childEntry = fileURLToPath(new URL('./ready-child.js', import.meta.url));
const WAIT_MS = 10_000;
const POLL_INTERVAL_MS = 10;

type Method = 'plh' | 'raw-pipe' | 'ipc' | 'poll-file';
const METHODS: Method[] = ['plh', 'raw-pipe', 'ipc', 'poll-file'];
const LABELS: Record<Method, string> = {
  plh: '@plh/ready-signal',
  'raw-pipe': 'raw pipe read (node:child_process, floor)',
  ipc: 'Node IPC channel (process.send)',
  'poll-file': 'poll a file every 10 ms',
};

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no signal within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** One spawn, one signal; returns the latency in nanoseconds. */
async function sampleOnce(method: Method, dir: string, index: number): Promise<number> {
  // stdin is a pipe the parent ends after measuring: the child waits for it before exiting.
  const base = { env: process.env, stdio: ['pipe', 'ignore', 'inherit'] as Array<'ignore' | 'inherit' | 'pipe' | 'ipc'> };
  let child: ChildProcess;
  let received: Promise<{ sent: bigint; at: bigint }>;
  // Every method resolves a promise and is stamped after it: "parent resolve" is measured the
  // same way for all of them.
  switch (method) {
    case 'plh': {
      const setup = prepareReadySignal();
      child = spawn(process.execPath, [childEntry, method], {
        env: { ...process.env, ...setup.env },
        stdio: [...base.stdio, ...setup.stdio],
      });
      const parent = attachReadySignal(child, setup);
      received = parent.waitForReady({ timeoutMs: WAIT_MS }).then(({ payload }) => ({
        sent: BigInt(payload ?? '0'),
        at: process.hrtime.bigint(),
      }));
      received.finally(() => parent.close()).catch(() => undefined);
      break;
    }
    case 'raw-pipe': {
      child = spawn(process.execPath, [childEntry, method], { ...base, stdio: [...base.stdio, 'pipe'] });
      const stream = child.stdio[3]!;
      // What a user writes for a raw pipe: a promise of the first chunk, stamped after await.
      received = new Promise<Buffer>((resolve) => stream.once('data', resolve)).then((chunk) => ({
        sent: BigInt(chunk.toString()),
        at: process.hrtime.bigint(),
      }));
      break;
    }
    case 'ipc': {
      child = spawn(process.execPath, [childEntry, method], { ...base, stdio: [...base.stdio, 'ipc'] });
      received = new Promise<unknown>((resolve) => child.once('message', resolve)).then((message) => ({
        sent: BigInt(String(message)),
        at: process.hrtime.bigint(),
      }));
      break;
    }
    case 'poll-file': {
      const file = join(dir, `ready-${index}`);
      child = spawn(process.execPath, [childEntry, method, file], base);
      received = new Promise((resolve) => {
        const timer = setInterval(() => {
          if (!existsSync(file)) return;
          clearInterval(timer);
          resolve(BigInt(readFileSync(file, 'utf8')));
        }, POLL_INTERVAL_MS);
      }).then((sent) => ({ sent: sent as bigint, at: process.hrtime.bigint() }));
      break;
    }
  }
  try {
    const { sent, at } = await bounded(received, LABELS[method]);
    return Number(at - sent);
  } finally {
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null && child.stdin === null) child.kill('SIGKILL');
    await exited(child);
  }
}

export const readyLatency: Benchmark = {
  name: 'ready-latency',
  description: 'child write → parent resolve of a ready signal, against raw pipe, IPC, polling',
  async run({ quick }) {
    const spawns = quick ? 20 : 200;
    const dir = mkdtempSync(join(tmpdir(), 'plh-bench-ready-'));
    const samples: Record<Method, number[]> = { plh: [], 'raw-pipe': [], ipc: [], 'poll-file': [] };
    try {
      for (let i = 0; i < spawns; i++) {
        // Rotate the order each round so no method always runs right after another.
        for (let k = 0; k < METHODS.length; k++) {
          const method = METHODS[(i + k) % METHODS.length]!;
          samples[method].push(await sampleOnce(method, dir, i));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const stats = Object.fromEntries(METHODS.map((m) => [m, sampleStats(samples[m])])) as Record<Method, SampleStats>;
    const floor = stats['raw-pipe'];
    const rows = METHODS.map((m) => [
      LABELS[m],
      stats[m].n,
      formatUs(stats[m].p50),
      formatUs(stats[m].p99),
      ratio(stats[m].p50, floor.p50),
    ]);
    const plh = stats.plh;
    const withinFloor = plh.p50 <= floor.p50 * 1.1;
    const belowIpc = plh.p50 < stats.ipc.p50;
    const belowPoll = plh.p50 < stats['poll-file'].p50;
    return {
      title: `Ready latency, child write → parent resolve (${spawns} spawns per method)`,
      columns: ['method', 'samples', 'p50 (µs)', 'p99 (µs)', 'p50 vs raw pipe'],
      rows,
      notes: [
        `p50 below the IPC channel — ${belowIpc ? 'met' : 'NOT met'} (${ratio(plh.p50, stats.ipc.p50)} of IPC)`,
        `p50 below polling every 10 ms — ${belowPoll ? 'met' : 'NOT met'} (${ratio(plh.p50, stats['poll-file'].p50)} of polling)`,
      ],
      goals: [{ measure: 'ready signal p50', goal: 'at most 1.1x a raw pipe read', met: withinFloor, value: ratio(plh.p50, floor.p50) }],
      data: { stats, unit: 'ns' },
    };
  },
};
