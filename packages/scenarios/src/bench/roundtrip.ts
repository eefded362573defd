// slot-roundtrip: a 64 B ping-pong between two processes over two DataBlocks, against the C floor
// (the same ping-pong over shared memory, spin waits), a Unix domain socket and the Node IPC
// channel, in one run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { attachReadySignal, prepareReadySignal } from '@plh/ready-signal';
import { childEntry, finish, spawnChild, WAIT_MS, withBlocks, withSocketServer } from './blocks.js';
import { buildFloor, floorRoundTrips } from './floor.js';
import { formatUs, ratio, sampleStats, type Benchmark, type Goal, type SampleStats } from './harness.js';

async function roundTripPlh(n: number, warmup: number): Promise<number[]> {
  return withBlocks(2, { slotCount: 8, slotSize: 64 }, async ([ping, pong], [pingBlock, pongBlock]) => {
    const child = spawnChild(['echo-plh', ping!, pong!, String(n + warmup)]);
    const producer = pingBlock!.producer();
    const consumer = pongBlock!.consumer();
    const message = Buffer.alloc(64, 0x5a);
    const samples: number[] = [];
    try {
      await child.waitForReady({ timeoutMs: WAIT_MS });
      child.release();
      for (let i = 0; i < n + warmup; i++) {
        const started = process.hrtime.bigint();
        const out = producer.acquireWriteSlot({ timeoutMs: WAIT_MS });
        out.data.set(message);
        out.commit(64);
        const back = consumer.acquireConsumeSlot({ timeoutMs: WAIT_MS });
        back.release();
        if (i >= warmup) samples.push(Number(process.hrtime.bigint() - started));
      }
      await finish(child);
    } finally {
      child.kill('SIGKILL');
      producer.close();
      consumer.close();
    }
    return samples;
  });
}

async function roundTripSocket(n: number, warmup: number): Promise<number[]> {
  return withSocketServer(async (path, accepted) => {
    const child = spawnChild(['echo-socket', path, '64', String(n + warmup)]);
    try {
      await child.waitForReady({ timeoutMs: WAIT_MS });
      const socket = await accepted;
      socket.setNoDelay(true);
      child.release();
      const message = Buffer.alloc(64, 0x5a);
      const samples: number[] = [];
      let received = 0;
      let wake: (() => void) | undefined;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= 64 && wake) {
          received -= 64;
          const w = wake;
          wake = undefined;
          w();
        }
      });
      for (let i = 0; i < n + warmup; i++) {
        const started = process.hrtime.bigint();
        const back = new Promise<void>((resolve) => {
          wake = resolve;
        });
        socket.write(message);
        await back;
        if (i >= warmup) samples.push(Number(process.hrtime.bigint() - started));
      }
      socket.destroy();
      await finish(child);
      return samples;
    } finally {
      child.kill('SIGKILL');
    }
  });
}

async function roundTripIpc(n: number, warmup: number): Promise<number[]> {
  // The IPC channel takes fd 3, so the ready and release pipes follow it.
  const setup = prepareReadySignal({ release: true, firstFd: 4 });
  const proc = spawn(process.execPath, [childEntry, 'echo-ipc', String(n + warmup)], {
    env: { ...process.env, ...setup.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc', ...setup.stdio],
  });
  const signals = attachReadySignal(proc, setup);
  try {
    await signals.waitForReady({ timeoutMs: WAIT_MS });
    signals.release();
    const message = 'x'.repeat(64);
    const samples: number[] = [];
    for (let i = 0; i < n + warmup; i++) {
      const started = process.hrtime.bigint();
      const back = once(proc, 'message');
      proc.send(message);
      await back;
      if (i >= warmup) samples.push(Number(process.hrtime.bigint() - started));
    }
    const [code] = (await once(proc, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`echo-ipc child failed with ${code}`);
    return samples;
  } finally {
    signals.close();
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
}

export const slotRoundTrip: Benchmark = {
  name: 'slot-roundtrip',
  description: '64 B ping-pong between two processes: DataBlock vs C floor vs Unix socket vs Node IPC',
  async run({ quick }) {
    const n = quick ? 2_000 : 20_000;
    const warmup = quick ? 200 : 2_000;
    const floorBinary = await buildFloor();
    const floor = typeof floorBinary === 'string' ? sampleStats(await floorRoundTrips(floorBinary, n, warmup)) : undefined;
    const plh = sampleStats(await roundTripPlh(n, warmup));
    const socket = sampleStats(await roundTripSocket(n, warmup));
    const ipc = sampleStats(await roundTripIpc(n, warmup));
    const vsFloor = (s: SampleStats) => (floor ? ratio(s.p50, floor.p50) : 'n/a');
    const row = (label: string, s: SampleStats) => [label, s.n, formatUs(s.p50), formatUs(s.p99), formatUs(s.mean), vsFloor(s), ratio(s.p50, socket.p50)];
    const share = plh.p50 / socket.p50;
    const goals: Goal[] = [
      floor
        ? { measure: '64 B round trip p50', goal: 'at most 1.5x the C ping-pong', met: plh.p50 <= 1.5 * floor.p50, value: `${ratio(plh.p50, floor.p50)} (${formatUs(plh.p50)} µs vs ${formatUs(floor.p50)} µs)` }
        : { measure: '64 B round trip p50', goal: 'at most 1.5x the C ping-pong', met: null, value: (floorBinary as { missing: string }).missing },
    ];
    return {
      title: `64 B round trip between two processes (${n} round trips after ${warmup} warm-up)`,
      columns: ['transport', 'round trips', 'p50 (µs)', 'p99 (µs)', 'mean (µs)', 'p50 vs C floor', 'p50 vs socket'],
      rows: [
        ...(floor ? [row('C floor (shared memory, spin waits)', floor)] : []),
        row('@plh/datablock (two blocks, sequential)', plh),
        row('Unix domain socket (node:net)', socket),
        row('Node IPC channel (process.send)', ipc),
      ],
      notes: [
        `DataBlock round trip at most 1/10 of the socket's — ${share <= 0.1 ? 'met' : 'NOT met'} (${(share * 100).toFixed(1)}% of the socket's p50)`,
        'the C floor and the DataBlock side wait by spinning (DataBlock: briefly, then on a futex); the socket and IPC sides wait in the event loop',
      ],
      goals,
      data: { floor, plh, socket, ipc, unit: 'ns' },
    };
  },
};
