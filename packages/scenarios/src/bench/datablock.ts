// DataBlock benchmarks, side by side with what a Node user would pick, in one run:
//  - slot-roundtrip: a 64 B ping-pong between two processes over two blocks, against a Unix
//    domain socket and the Node IPC channel.
//  - slot-throughput: producer (child) → consumer (this process) at 64 B, 4 KiB, 64 KiB, 1 MiB;
//    the producer copies a payload in, the consumer copies every slot out (so it reads every
//    byte); against a Unix domain socket stream and in-process Buffer.copy of the same bytes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataBlock } from '@plh/datablock';
import { attachReadySignal, prepareReadySignal } from '@plh/ready-signal';
import { spawnProcess, type WorkerProcess } from '@plh/worker-process';
import { formatUs, ratio, sampleStats, type Benchmark } from './harness.js';

const childEntry = fileURLToPath(new URL('./slot-child.js', import.meta.url));
const WAIT_MS = 120_000;
let nameCounter = 0;

function spawnChild(args: string[]): WorkerProcess {
  return spawnProcess(process.execPath, [childEntry, ...args], { readySignal: true, release: true });
}

async function finish(child: WorkerProcess): Promise<void> {
  const exit = await child.waitForExit({ timeoutMs: WAIT_MS });
  if (exit.exitCode !== 0) throw new Error(`bench child failed (${exit.exitCode ?? exit.signal}): ${exit.stderr}`);
}

/** A block for one measurement, unlinked when `fn` ends whatever happens. */
async function withBlocks<T>(
  count: number,
  options: { slotCount: number; slotSize: number },
  fn: (names: string[], blocks: DataBlock[]) => Promise<T>,
): Promise<T> {
  const names = Array.from({ length: count }, () => `bench-${process.pid}-${++nameCounter}`);
  const blocks: DataBlock[] = [];
  try {
    for (const name of names) blocks.push(DataBlock.create(name, { ...options, policy: 'sequential' }));
    return await fn(names, blocks);
  } finally {
    for (const block of blocks) block.close();
    for (const name of names) {
      try {
        DataBlock.unlink(name);
      } catch {
        /* already gone */
      }
    }
  }
}

async function withSocketServer<T>(fn: (path: string, accepted: Promise<Socket>) => Promise<T>): Promise<T> {
  const path = join(tmpdir(), `plh-bench-${process.pid}-${++nameCounter}.sock`);
  const server: Server = createServer();
  const accepted = once(server, 'connection').then(([socket]) => socket as Socket);
  server.listen(path);
  await once(server, 'listening');
  try {
    return await fn(path, accepted);
  } finally {
    server.close();
    rmSync(path, { force: true });
  }
}

// ---------------------------------------------------------------- round trip

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
  description: '64 B ping-pong between two processes: DataBlock vs Unix socket vs Node IPC',
  async run({ quick }) {
    const n = quick ? 2_000 : 20_000;
    const warmup = quick ? 200 : 2_000;
    const plh = sampleStats(await roundTripPlh(n, warmup));
    const socket = sampleStats(await roundTripSocket(n, warmup));
    const ipc = sampleStats(await roundTripIpc(n, warmup));
    const row = (label: string, s: typeof plh) => [label, s.n, formatUs(s.p50), formatUs(s.p99), formatUs(s.mean), ratio(s.p50, socket.p50)];
    const share = plh.p50 / socket.p50;
    return {
      title: `64 B round trip between two processes (${n} round trips after ${warmup} warm-up)`,
      columns: ['transport', 'round trips', 'p50 (µs)', 'p99 (µs)', 'mean (µs)', 'p50 vs socket'],
      rows: [row('@plh/datablock (two blocks, sequential)', plh), row('Unix domain socket (node:net)', socket), row('Node IPC channel (process.send)', ipc)],
      notes: [
        `goal: DataBlock round trip at most 1/10 of the socket's — ${share <= 0.1 ? 'met' : 'NOT met'} (${(share * 100).toFixed(1)}% of the socket's p50)`,
        'the DataBlock side waits by spinning briefly then sleeping on a futex; the socket and IPC sides wait in the event loop',
      ],
      data: { plh, socket, ipc, unit: 'ns' },
    };
  },
};

// ---------------------------------------------------------------- throughput

interface Throughput {
  slotsPerSecond: number;
  bytesPerSecond: number;
}

const toThroughput = (count: number, size: number, ns: number): Throughput => ({
  slotsPerSecond: count / (ns / 1e9),
  bytesPerSecond: (count * size) / (ns / 1e9),
});

async function throughputPlh(size: number, count: number): Promise<Throughput> {
  const slotCount = size >= 1 << 20 ? 16 : 64;
  return withBlocks(1, { slotCount, slotSize: size }, async ([name], [block]) => {
    const child = spawnChild(['produce-plh', name!, String(size), String(count)]);
    const consumer = block!.consumer();
    const sink = Buffer.alloc(size);
    try {
      await child.waitForReady({ timeoutMs: WAIT_MS });
      child.release();
      const started = process.hrtime.bigint();
      for (let i = 0; i < count; i++) {
        const slot = consumer.acquireConsumeSlot({ timeoutMs: WAIT_MS });
        sink.set(slot.data);
        slot.release();
      }
      const ns = Number(process.hrtime.bigint() - started);
      if (sink[size - 1] !== 0xab) throw new Error('throughput: payload did not arrive');
      await finish(child);
      return toThroughput(count, size, ns);
    } finally {
      child.kill('SIGKILL');
      consumer.close();
    }
  });
}

async function throughputSocket(size: number, count: number): Promise<Throughput> {
  return withSocketServer(async (path, accepted) => {
    const child = spawnChild(['produce-socket', path, String(size), String(count)]);
    try {
      await child.waitForReady({ timeoutMs: WAIT_MS });
      const socket = await accepted;
      const total = size * count;
      let received = 0;
      let last = 0;
      const done = new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          received += chunk.length;
          last = chunk[chunk.length - 1] ?? 0;
          if (received >= total) resolve();
        });
      });
      child.release();
      const started = process.hrtime.bigint();
      await done;
      const ns = Number(process.hrtime.bigint() - started);
      if (last !== 0xab) throw new Error('throughput: socket payload did not arrive');
      socket.destroy();
      await finish(child);
      return toThroughput(count, size, ns);
    } finally {
      child.kill('SIGKILL');
    }
  });
}

function throughputCopy(size: number, count: number): Throughput {
  const source = Buffer.alloc(size, 0xab);
  const target = Buffer.alloc(size);
  for (let i = 0; i < Math.min(count, 1000); i++) source.copy(target);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) source.copy(target);
  return toThroughput(count, size, Number(process.hrtime.bigint() - started));
}

const SIZES: Array<{ label: string; size: number; count: number }> = [
  { label: '64 B', size: 64, count: 1_000_000 },
  { label: '4 KiB', size: 4096, count: 1_000_000 },
  { label: '64 KiB', size: 65536, count: 40_000 },
  { label: '1 MiB', size: 1 << 20, count: 2_000 },
];

const fmtRate = (t: Throughput) => `${(t.slotsPerSecond / 1e6).toFixed(3)} M/s, ${(t.bytesPerSecond / 1e9).toFixed(2)} GB/s`;

export const slotThroughput: Benchmark = {
  name: 'slot-throughput',
  description: 'producer → consumer slots/s at 64 B..1 MiB: DataBlock vs Unix socket vs Buffer.copy',
  async run({ quick }) {
    const rows: Array<Array<string | number>> = [];
    const data: Record<string, unknown> = {};
    let goal4k = false;
    let goal1m = false;
    let at4k = 0;
    let share1m = 0;
    for (const { label, size, count: fullCount } of SIZES) {
      const count = quick ? Math.max(200, Math.floor(fullCount / 20)) : fullCount;
      const plh = await throughputPlh(size, count);
      const socket = await throughputSocket(size, count);
      const copy = throughputCopy(size, count);
      rows.push([label, count, fmtRate(plh), fmtRate(socket), fmtRate(copy), ratio(plh.bytesPerSecond, socket.bytesPerSecond), ratio(plh.bytesPerSecond, copy.bytesPerSecond)]);
      data[label] = { count, plh, socket, copy };
      if (size === 4096) {
        at4k = plh.slotsPerSecond;
        goal4k = at4k >= 1.25e6;
      }
      if (size === 1 << 20) {
        share1m = plh.bytesPerSecond / copy.bytesPerSecond;
        goal1m = share1m >= 0.7;
      }
    }
    return {
      title: 'Slot throughput, producer process → consumer process',
      columns: ['slot size', 'slots', '@plh/datablock', 'Unix socket stream', 'Buffer.copy (1 process)', 'plh / socket', 'plh / copy'],
      rows,
      notes: [
        `goal: at 4 KiB at least 1.25 M slots/s — ${goal4k ? 'met' : 'NOT met'} (${(at4k / 1e6).toFixed(3)} M/s)`,
        `goal: at 1 MiB at least 70% of Buffer.copy — ${goal1m ? 'met' : 'NOT met'} (${(share1m * 100).toFixed(0)}%)`,
        'the producer copies a payload into each slot; the consumer copies every slot out (reads every byte); the socket consumer receives every byte',
        `GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES ?? '(unset)'}: glibc's rep-movsb path makes 16-64 KiB copies slow on these VMs (TOOLCHAIN.md); both sides ran under the same setting`,
      ],
      data,
    };
  },
};
