import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { HOG_MARKER } from './hogs.js';

const GiB = 1024 ** 3;
/** Never leave less than this much memory available to the scenarios and the system. */
export const MEMORY_HEADROOM_BYTES = 3 * GiB;
/** Never hold more than a quarter of the machine's memory, nor more than 4 GiB. */
export const MEMORY_MAX_FRACTION = 0.25;
export const MEMORY_MAX_BYTES = 4 * GiB;

/** MemAvailable from /proc/meminfo in bytes (falls back to half of total memory). */
function memAvailable(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: use the fallback.
  }
  return totalmem() / 2;
}

/**
 * How much `--memory-tight` holds: MemAvailable minus 3 GiB headroom, capped at a quarter of
 * total memory and at 4 GiB, rounded down to 256 MiB (0 when the machine has too little). On a
 * 24 GiB machine: 4 GiB held. (Touching 11.8 GiB took 5.5 minutes on these VMs under hogs.)
 */
export function memoryHogBytes(): number {
  const bytes = Math.min(memAvailable() - MEMORY_HEADROOM_BYTES, totalmem() * MEMORY_MAX_FRACTION, MEMORY_MAX_BYTES);
  const chunk = 256 * 1024 * 1024;
  return Math.max(0, Math.floor(bytes / chunk) * chunk);
}

// Allocates in 256 MiB chunks and writes every page (so it is resident, not just reserved), then
// says "held" on stdout and idles until stdin reaches EOF (the stress process died or stopped it).
const MEMORY_SOURCE = `
const total = Number(process.argv[1]);
const chunks = [];
for (let held = 0; held < total; held += 256 * 1024 * 1024) chunks.push(Buffer.alloc(256 * 1024 * 1024, 1));
process.stdout.write('held\\n');
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
`;

export interface MemoryHog {
  readonly bytes: number;
  stop(): Promise<void>;
  killNow(): void;
}

/** Starts a child that holds `bytes` of touched memory; resolves once it holds all of it. */
export async function startMemoryHog(bytes: number, tag = String(process.pid)): Promise<MemoryHog> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--max-old-space-size=256', '-e', MEMORY_SOURCE, String(bytes), HOG_MARKER, tag],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  child.stdin?.on('error', () => {});
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdin?.destroy();
  };
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('held')) resolve();
    });
    exited.then(() => reject(new Error(`the memory hog exited before it held ${bytes} bytes`)));
  });
  return {
    bytes,
    killNow,
    async stop() {
      killNow();
      await exited;
    },
  };
}
