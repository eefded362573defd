// Mutex benchmarks: uncontended lock+unlock from JavaScript, and the hand-off between two
// processes ping-ponging a turn under a lock, side by side with proper-lockfile (the lock-file
// package Node users reach for to lock across processes).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataBlock, DataBlockMutex } from '@plh/datablock';
import { spawnProcess } from '@plh/worker-process';
import lockfile from 'proper-lockfile';
import { ratio, type Benchmark } from './harness.js';

const childEntry = fileURLToPath(new URL('./mutex-child.js', import.meta.url));
const WAIT_MS = 120_000;

function uncontendedPlhNs(iterations: number): number {
  const name = `bench-mutex-${process.pid}`;
  const mutex = DataBlockMutex.create(name);
  try {
    for (let i = 0; i < 10_000; i++) {
      mutex.lock();
      mutex.unlock();
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) {
      mutex.lock();
      mutex.unlock();
    }
    return Number(process.hrtime.bigint() - started) / iterations;
  } finally {
    mutex.close();
    DataBlockMutex.unlink(name);
  }
}

function uncontendedLockfileNs(dir: string, iterations: number): number {
  const file = join(dir, 'uncontended');
  writeFileSync(file, '0');
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    lockfile.lockSync(file, { realpath: false });
    lockfile.unlockSync(file, { realpath: false });
  }
  return Number(process.hrtime.bigint() - started) / iterations;
}

/** Two processes pass a turn `rounds` times each; returns hand-offs per second. */
async function handOffsPerSecond(method: 'plh' | 'lockfile', target: string, rounds: number): Promise<number> {
  const children = [0, 1].map((role) =>
    spawnProcess(process.execPath, [childEntry, method, target, String(role), String(rounds)], {
      readySignal: true,
      release: true,
    }),
  );
  try {
    await Promise.all(children.map((child) => child.waitForReady({ timeoutMs: WAIT_MS })));
    for (const child of children) child.release();
    const exits = await Promise.all(children.map((child) => child.waitForExit({ timeoutMs: WAIT_MS })));
    const elapsed = exits.map((exit) => {
      if (exit.exitCode !== 0) throw new Error(`mutex-child (${method}) failed: ${exit.stderr}`);
      return (JSON.parse(exit.stdout.trim()) as { elapsedNs: number }).elapsedNs;
    });
    return (2 * rounds) / (Math.max(...elapsed) / 1e9);
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

export const mutexBench: Benchmark = {
  name: 'mutex',
  description: 'uncontended lock+unlock and two-process hand-off, against proper-lockfile',
  async run({ quick }) {
    const dir = mkdtempSync(join(tmpdir(), 'plh-bench-mutex-'));
    const blockName = `bench-handoff-${process.pid}`;
    try {
      const plhNs = uncontendedPlhNs(quick ? 100_000 : 2_000_000);
      const fileNs = uncontendedLockfileNs(dir, quick ? 200 : 2_000);
      const block = DataBlock.create(blockName, { slotCount: 1, slotSize: 64, flexZoneSize: 64 });
      let plhRate: number;
      try {
        plhRate = await handOffsPerSecond('plh', blockName, quick ? 20_000 : 200_000);
      } finally {
        block.close();
        DataBlock.unlink(blockName);
      }
      const counter = join(dir, 'turn');
      writeFileSync(counter, '0');
      const fileRate = await handOffsPerSecond('lockfile', counter, quick ? 20 : 200);
      const speedup = plhRate / fileRate;
      return {
        title: 'Cross-process mutex',
        columns: ['measure', '@plh/datablock DataBlockMutex', 'proper-lockfile', 'plh advantage'],
        rows: [
          ['uncontended lock+unlock (ns)', plhNs.toFixed(0), fileNs.toFixed(0), ratio(fileNs, plhNs)],
          ['two-process hand-offs per second', plhRate.toFixed(0), fileRate.toFixed(0), ratio(plhRate, fileRate)],
        ],
        notes: [
          `hand-off at least 100 times faster than proper-lockfile — ${speedup >= 100 ? 'met' : 'NOT met'} (${speedup.toFixed(0)}x)`,
          'proper-lockfile retries with minTimeout 1 ms, maxTimeout 10 ms (its fastest sensible setting)',
        ],
        goals: [{ measure: 'mutex lock+unlock uncontended', goal: 'at most 200 ns', met: plhNs <= 200, value: `${plhNs.toFixed(0)} ns` }],
        data: { plhNs, fileNs, plhRate, fileRate },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
