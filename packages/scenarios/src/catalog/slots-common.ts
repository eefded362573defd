// Parent-side helpers of the DataBlock slot scenarios: block names that are always unlinked,
// blocks the parent creates (closed before the unlink), a shared log, result files, worker
// arguments, and a bounded condition wait.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataBlock, type DataBlockCreateOptions } from '@plh/datablock';
import type { ScenarioContext } from '../scenario.js';
import { digestStep, fillPayload } from '../workers/slots-common.js';

/** A unique block name, unlinked at cleanup whatever happened (not found is fine). */
export function slotBlockName(ctx: ScenarioContext, label: string): string {
  const name = ctx.uniqueName(`sc-slots-${label}`);
  ctx.onCleanup(() => {
    try {
      DataBlock.unlink(name);
    } catch {
      // Never created, or already removed.
    }
  });
  return name;
}

/** Creates a block in the parent; closed at cleanup (before its unlink). */
export function createSlotBlock(
  ctx: ScenarioContext,
  label: string,
  options: DataBlockCreateOptions,
): { name: string; block: DataBlock } {
  const name = slotBlockName(ctx, label);
  const block = DataBlock.create(name, options);
  ctx.onCleanup(() => block.close());
  return { name, block };
}

/** The one JSON argument of a slot worker. */
export function workerArgs(ctx: ScenarioContext, name: string, extra: Record<string, unknown> = {}): string[] {
  return [JSON.stringify({ name, waitMs: ctx.waitMs, ...extra })];
}

/** A log file the processes append whole lines to (O_APPEND: file order = order of the writes). */
export function sharedLog(ctx: ScenarioContext): { path: string; lines: () => string[] } {
  const path = join(ctx.tempDir, 'slots.log');
  writeFileSync(path, '');
  return { path, lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean) };
}

export function resultFile<T>(ctx: ScenarioContext, label: string): { path: string; read: () => T } {
  const path = join(ctx.tempDir, `${label}.json`);
  return { path, read: () => JSON.parse(readFileSync(path, 'utf8')) as T };
}

export function parsePayload<T>(payload: string | undefined): T {
  assert.ok(payload !== undefined, 'the worker signalled ready without a payload');
  return JSON.parse(payload) as T;
}

/** Index of a log line; fails with the whole log when it is missing. */
export function lineIndex(lines: string[], line: string): number {
  const at = lines.indexOf(line);
  assert.ok(at >= 0, `log line '${line}' is missing; log:\n${lines.join('\n')}`);
  return at;
}

/** Asserts that `earlier` was logged before `later`. */
export function assertBefore(lines: string[], earlier: string, later: string): void {
  assert.ok(
    lineIndex(lines, earlier) < lineIndex(lines, later),
    `'${earlier}' must come before '${later}'; log:\n${lines.join('\n')}`,
  );
}

/**
 * Waits until `condition` holds, re-checking on each turn of the event loop, up to ctx.waitMs: a
 * condition wait for a state another process enters after its last signal (not a sleep).
 */
export async function waitUntil(ctx: ScenarioContext, what: string, condition: () => boolean): Promise<void> {
  const deadline = performance.now() + ctx.waitMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what} did not happen within ${ctx.waitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The digest a consumer reports after receiving slotIds first..last, in order, with `length` bytes each. */
export function expectedDigest(first: number, last: number, length: number): number {
  const data = new Uint8Array(length);
  let digest = 0;
  for (let id = first; id <= last; id++) {
    fillPayload(data, id, length);
    digest = digestStep(digest, data);
  }
  return digest;
}

/** What streamConsumer reports. */
export interface StreamResult {
  count: number;
  first: number;
  last: number;
  orderViolations: number;
  mismatches: number;
  checksumErrors: number;
  digest: number;
  ids: number[];
}

/** Asserts a consumer received slotIds 0..count-1, in order, each payload intact. */
export function assertWholeStream(label: string, result: StreamResult, count: number, length: number): void {
  assert.equal(result.checksumErrors, 0, `${label}: checksum mismatches`);
  assert.equal(result.mismatches, 0, `${label}: payloads that were not the ones committed`);
  assert.equal(result.orderViolations, 0, `${label}: slots out of order or missing`);
  assert.equal(result.count, count, `${label}: received ${result.count} slots, expected ${count}`);
  assert.equal(result.first, 0, `${label}: first slotId`);
  assert.equal(result.last, count - 1, `${label}: last slotId`);
  assert.equal(result.digest, expectedDigest(0, count - 1, length), `${label}: digest of the stream`);
}
