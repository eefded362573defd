// Helpers shared by the worker sides of the DataBlock slot scenarios. A worker gets one JSON
// argument (block name, log / result paths, counts, waitMs) so the parent states it in one place.
import { appendFileSync, writeFileSync } from 'node:fs';
import { DataBlock, DataBlockError, crc32c } from '@plh/datablock';

/** The options every slot worker receives as its one argument. */
export interface SlotWorkerSpec {
  /** Block name (created by the parent unless the worker says otherwise). */
  name: string;
  /** Upper bound of every wait of the worker (the scenario's ctx.waitMs). */
  waitMs: number;
  /** Shared log file: one line per event, appended with O_APPEND (whole lines, in syscall order). */
  log?: string;
  /** Where the worker writes its JSON result. */
  result?: string;
  [key: string]: unknown;
}

export function parseSpec(worker: string, args: string[]): SlotWorkerSpec {
  const [json] = args;
  if (!json) throw new Error(`usage: ${worker} '<json spec>'`);
  const spec = JSON.parse(json) as SlotWorkerSpec;
  if (typeof spec.name !== 'string' || typeof spec.waitMs !== 'number') {
    throw new Error(`${worker}: the spec needs a name and a waitMs, got ${json}`);
  }
  return spec;
}

export function attach(spec: SlotWorkerSpec): DataBlock {
  return DataBlock.attach(spec.name, { timeoutMs: spec.waitMs });
}

/** Appends one line to the shared log (no-op without a log). */
export function logLine(spec: SlotWorkerSpec, line: string): void {
  if (spec.log) appendFileSync(spec.log, `${line}\n`);
}

export function writeResult(spec: SlotWorkerSpec, result: unknown): void {
  if (!spec.result) throw new Error('this worker needs a result path in its spec');
  writeFileSync(spec.result, JSON.stringify(result));
}

/** The stable code of a DataBlockError, or a description of anything else. */
export function codeOf(err: unknown): string {
  if (err instanceof DataBlockError) return err.code;
  return `untyped: ${err instanceof Error ? err.message : String(err)}`;
}

/** Runs fn and returns the error code it throws ('none' when it does not throw). */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (err) {
    return codeOf(err);
  }
}

/**
 * Byte i of the payload of slotId s: the first 4 bytes are s (u32 LE), the rest a function of s
 * and i (131 is odd, so neighbouring ids differ in every byte): a torn mix of two slots, or a
 * payload with the wrong id, fails `payloadMatches`.
 */
export function payloadByte(slotId: number, i: number): number {
  return (slotId * 131 + i * 7 + (i >>> 8) * 13) & 0xff;
}

export function fillPayload(data: Uint8Array, slotId: number, length: number): void {
  for (let i = 4; i < length; i++) data[i] = payloadByte(slotId, i);
  if (length >= 4) new DataView(data.buffer, data.byteOffset, 4).setUint32(0, slotId >>> 0, true);
}

export function payloadMatches(data: Uint8Array, slotId: number, length: number): boolean {
  if (data.length !== length) return false;
  if (length >= 4 && new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) !== slotId >>> 0) return false;
  for (let i = 4; i < length; i++) if (data[i] !== payloadByte(slotId, i)) return false;
  return true;
}

/** Order-sensitive digest of a stream of payloads (the parent computes the expected one). */
export function digestStep(digest: number, data: Uint8Array): number {
  return (Math.imul(digest, 31) + crc32c(data)) >>> 0;
}
