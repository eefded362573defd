import { invalidArgument } from '../errors.js';
import { CHECKPOINT_WORD, READY_WORD } from './wire.js';

const hasLineBreak = (text: string): boolean => text.includes('\n') || text.includes('\r');

export function validatePayload(payload: unknown): string | undefined {
  if (payload === undefined) return undefined;
  if (typeof payload !== 'string') {
    throw invalidArgument(`The ready payload must be a string or undefined, got ${typeof payload}. Serialise it first (e.g. JSON.stringify).`);
  }
  if (hasLineBreak(payload)) {
    throw invalidArgument('The ready payload must not contain a newline or carriage return: the wire format is line based. Encode it (e.g. JSON.stringify) first.');
  }
  return payload;
}

export function validateCheckpointName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw invalidArgument(`A checkpoint name must be a non-empty string, got ${typeof name === 'string' ? 'an empty string' : typeof name}.`);
  }
  if (hasLineBreak(name)) {
    throw invalidArgument(`The checkpoint name ${JSON.stringify(name)} contains a newline or carriage return; the wire format is line based. Use a single-line name.`);
  }
  return name;
}

export const encodeReady = (payload: string | undefined): Buffer =>
  Buffer.from(payload === undefined ? `${READY_WORD}\n` : `${READY_WORD} ${payload}\n`, 'utf8');

export const encodeCheckpoint = (name: string): Buffer =>
  Buffer.from(`${CHECKPOINT_WORD} ${name}\n`, 'utf8');
