// The C floor: builds c/floor.c with the system C compiler (`$CC`, default `cc`) once per bench
// run and runs its two-process shared-memory ring and ping-pong, so that plh is reported as a
// share of the same work done in C on the same machine, in the same run (DESIGN.md section 7).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** c/floor.c from the sources (src/bench/) or from the build output (dist/bench/). */
function floorSource(): string {
  const candidates = [new URL('./c/floor.c', import.meta.url), new URL('../../src/bench/c/floor.c', import.meta.url)];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  throw new Error(`bench: c/floor.c not found next to ${fileURLToPath(import.meta.url)}`);
}

let built: Promise<string | { missing: string }> | undefined;

/**
 * The path of the built floor program, or `{ missing }` saying why there is none on a developer
 * machine without a C compiler. In CI (CI=true) a missing compiler is an error: the reference
 * must run there.
 */
export function buildFloor(): Promise<string | { missing: string }> {
  built ??= (async () => {
    const compiler = process.env.CC ?? 'cc';
    const dir = mkdtempSync(join(tmpdir(), 'plh-bench-floor-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const binary = join(dir, 'floor');
    try {
      await run(compiler, ['-O2', '-std=c11', '-o', binary, floorSource()]);
      return binary;
    } catch (err) {
      const reason = `C reference not built: '${compiler}' failed (${(err as Error).message.split('\n')[0]}); install a C compiler (Debian: gcc) or set CC`;
      if (process.env.CI) throw new Error(reason);
      return { missing: reason };
    }
  })();
  return built;
}

export interface FloorThroughput {
  slotsPerSecond: number;
  bytesPerSecond: number;
}

/** The C ring: `count` slots of `size` bytes through a ring of `slotCount` slots. */
export async function floorThroughput(binary: string, size: number, slotCount: number, count: number): Promise<FloorThroughput> {
  const { stdout } = await run(binary, ['ring', String(size), String(slotCount), String(count)]);
  const ns = Number(stdout.trim());
  if (!(ns > 0)) throw new Error(`bench: the C ring printed '${stdout.trim()}'`);
  return { slotsPerSecond: count / (ns / 1e9), bytesPerSecond: (count * size) / (ns / 1e9) };
}

/** The C ping-pong: `n` round-trip times in ns after `warmup` round trips. */
export async function floorRoundTrips(binary: string, n: number, warmup: number): Promise<number[]> {
  const { stdout } = await run(binary, ['pingpong', String(n), String(warmup)], { maxBuffer: 64 * n + 1024 });
  const samples = stdout.trim().split('\n').map(Number);
  if (samples.length !== n || samples.some((x) => !(x >= 0))) throw new Error('bench: the C ping-pong printed unexpected output');
  return samples;
}
