// What the DataBlock benchmarks share: the bench child (slot-child.ts) spawned with a ready
// signal and a release gate, blocks and Unix socket servers that are removed whatever happens.
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataBlock } from '@plh/datablock';
import { spawnProcess, type WorkerProcess } from '@plh/worker-process';

export const childEntry = fileURLToPath(new URL('./slot-child.js', import.meta.url));
export const WAIT_MS = 120_000;
let nameCounter = 0;

export function spawnChild(args: string[]): WorkerProcess {
  return spawnProcess(process.execPath, [childEntry, ...args], { readySignal: true, release: true });
}

export async function finish(child: WorkerProcess): Promise<void> {
  const exit = await child.waitForExit({ timeoutMs: WAIT_MS });
  if (exit.exitCode !== 0) throw new Error(`bench child failed (${exit.exitCode ?? exit.signal}): ${exit.stderr}`);
}

/** A block for one measurement, unlinked when `fn` ends whatever happens. */
export async function withBlocks<T>(
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

export async function withSocketServer<T>(fn: (path: string, accepted: Promise<Socket>) => Promise<T>): Promise<T> {
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

