import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnWorker } from '@plh/worker-process';
import { onLines } from '../campaign/lines.js';
import { workersEntry } from '../context.js';
import { guardProcesses } from '../stress/guard.js';
import { capturePristineImages, shmPath, type ImageKind, type PristineImage } from './images.js';
import { makeCase } from './mutate.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Cases per batch process (default 250). */
  batch?: number;
  /** A batch that reports nothing for this long is a hang (default 15 s). */
  stallMs?: number;
  /** Only these case indices (replay), instead of 0..cases-1. */
  only?: number[];
  onProgress?: (done: number, total: number) => void;
}

/** A case whose attach crashed or hung the process, or threw something that is not a DataBlockError. */
export interface FuzzFailure {
  index: number;
  kind: 'crash' | 'hang' | 'exception';
  detail: string;
  steps: string[];
}

export interface FuzzReport {
  seed: number;
  cases: number;
  processes: number;
  wallMs: number;
  outcomes: Record<string, number>;
  failures: FuzzFailure[];
  /** Segments still in /dev/shm with the run's prefix after cleanup (must be 0). */
  leftBehind: number;
}

interface BatchEntry {
  index: number;
  name: string;
  attachAs: ImageKind;
  steps: string[];
}

function segmentName(prefix: string, index: number): string {
  return `${prefix}-${index}`;
}

/** Removes every /dev/shm file of this run (blocks and mutexes with the prefix). */
function removeSegments(prefix: string): number {
  let left = 0;
  for (const file of readdirSync('/dev/shm')) {
    if (file.startsWith(`plh.${prefix}-`) || file.startsWith(`plh.mutex.${prefix}-`)) {
      try {
        unlinkSync(join('/dev/shm', file));
      } catch {
        left++;
      }
    }
  }
  return left;
}

interface BatchResult {
  outcomes: Map<number, string>;
  failures: FuzzFailure[];
}

/** Runs one batch process over `entries`; returns what it reported, and the case it died on. */
function runBatch(entries: BatchEntry[], manifestPath: string, stallMs: number, onLine: () => void): Promise<BatchResult & { rest: BatchEntry[] }> {
  writeFileSync(manifestPath, JSON.stringify(entries.map(({ index, name, attachAs }) => ({ index, name, attachAs }))));
  const worker = spawnWorker(workersEntry, 'fuzz.batch', [manifestPath], { maxBuffer: 64 * 1024 });
  const child = worker.child;
  const unguard = guardProcesses(() => child.kill('SIGKILL'));
  const outcomes = new Map<number, string>();
  const failures: FuzzFailure[] = [];
  let current: number | undefined;
  let stderr = '';
  let hung = false;
  let stall: NodeJS.Timeout | undefined;
  const armStall = () => {
    clearTimeout(stall);
    // An upper bound only: a batch that says nothing for stallMs is stuck in an attach.
    stall = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, stallMs);
  };
  armStall();
  onLines(child.stdout, (text) => {
    const [what, indexText, ...rest] = text.split(' ');
    const index = Number(indexText);
    if (what === 'start') current = index;
    else if (what === 'done') {
      const outcome = rest.join(' ');
      outcomes.set(index, outcome.startsWith('exception') ? 'exception' : outcome);
      if (outcome.startsWith('exception')) {
        const entry = entries.find((e) => e.index === index);
        failures.push({ index, kind: 'exception', detail: outcome, steps: entry?.steps ?? [] });
      }
      current = undefined;
      onLine();
    }
    armStall();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(stall);
      unguard();
      const normal = code === 0 && signal === null && !hung;
      const reached = entries.findIndex((e) => !outcomes.has(e.index));
      if (normal && reached === -1) return resolve({ outcomes, failures, rest: [] });
      // The process died (or hung) before finishing: blame the case it had started.
      const culprit = current ?? entries[reached]?.index;
      const entry = entries.find((e) => e.index === culprit);
      const how = hung ? `no progress for ${stallMs} ms` : `exit code ${code}, signal ${signal}`;
      if (entry) {
        failures.push({ index: entry.index, kind: hung ? 'hang' : 'crash', detail: `${how}; stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, steps: entry.steps });
        outcomes.set(entry.index, hung ? 'hang' : 'crash');
      }
      const rest = entries.filter((e) => !outcomes.has(e.index));
      resolve({ outcomes, failures, rest });
    });
  });
}

/**
 * Header fuzz: for each case, a seeded corruption of a valid segment's copy is written to
 * /dev/shm, and a fresh process (not the one that wrote it) attaches and touches every view.
 * Every case ends as 'attached', a DataBlockError code, or a failure (crash / hang / exception).
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const prefix = `fz${process.pid}`;
  const batchSize = options.batch ?? 250;
  const stallMs = options.stallMs ?? 15_000;
  const work = mkdtempSync(join(tmpdir(), 'plh-fuzz-'));
  const unguard = guardProcesses(() => {
    removeSegments(prefix);
    rmSync(work, { recursive: true, force: true });
  });
  const outcomes: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let processes = 0;
  let done = 0;
  const indices = options.only ?? Array.from({ length: options.cases }, (_, i) => i);
  try {
    const images: Record<ImageKind, PristineImage> = capturePristineImages(prefix);
    for (let from = 0; from < indices.length; from += batchSize) {
      let entries: BatchEntry[] = indices.slice(from, from + batchSize).map((index) => {
        const c = makeCase(options.seed, index, images);
        const name = segmentName(prefix, index);
        writeFileSync(shmPath(name, c.attachAs), c.bytes, { mode: 0o600 });
        return { index, name, attachAs: c.attachAs, steps: c.steps };
      });
      while (entries.length > 0) {
        processes++;
        const result = await runBatch(entries, join(work, 'manifest.json'), stallMs, () => {
          done++;
          options.onProgress?.(done, indices.length);
        });
        for (const outcome of result.outcomes.values()) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        failures.push(...result.failures);
        entries = result.rest;
      }
      removeSegments(prefix);
    }
  } finally {
    removeSegments(prefix);
    rmSync(work, { recursive: true, force: true });
    unguard();
  }
  return {
    seed: options.seed,
    cases: indices.length,
    processes,
    wallMs: performance.now() - started,
    outcomes,
    failures: failures.sort((a, b) => a.index - b.index),
    leftBehind: readdirSync('/dev/shm').filter((f) => f.startsWith(`plh.${prefix}-`) || f.startsWith(`plh.mutex.${prefix}-`)).length,
  };
}
