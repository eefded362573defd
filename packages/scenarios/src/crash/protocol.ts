// What the crash driver and its workers share: the block's shape, the flex-zone words, the
// payload format, and the stdout lines a worker sends (one line = one event, written with
// writeSync, so a line written before a SIGKILL is never lost: it is already in the pipe).

export const SLOT_COUNT = 4;
export const SLOT_SIZE = 1024;
export const FLEX_ZONE_SIZE = 128;

/** Flex-zone words (Int32). The mutex-protected record: two fields that must be equal. */
export const M_A = 0;
export const M_B = 1;
/** sequential: the last slotId a consumer recorded (stored before it releases the slot). -1 = none. */
export const L_LAST = 16;

/** Upper bound of every wait inside a worker; hitting it is a stuck state (exit code 3). */
export const WAIT_BOUND_MS = 20_000;
export const STUCK_EXIT_CODE = 3;

const HEADER = 16;

/** Payload length of a slotId: from the header size to the slot size, fixed per id. */
export function payloadLength(id: number): number {
  return HEADER + ((id * 2654435761) >>> 0) % (SLOT_SIZE - HEADER + 1);
}

function bodyByte(id: number, gen: number, i: number): number {
  return (id * 31 + gen * 101 + i * 7 + (i >>> 8)) & 0xff;
}

/** Header: id, producer generation, length, 0xC0FFEE; body: a pattern of (id, generation, offset). */
export function writeHeader(data: Uint8Array, id: number, gen: number, length: number): void {
  const view = new DataView(data.buffer, data.byteOffset, HEADER);
  view.setUint32(0, id, true);
  view.setUint32(4, gen, true);
  view.setUint32(8, length, true);
  view.setUint32(12, 0xc0ffee, true);
}

export function writeBody(data: Uint8Array, id: number, gen: number, from: number, to: number): void {
  for (let i = Math.max(from, HEADER); i < to; i++) data[i] = bodyByte(id, gen, i);
}

/** Why a received payload is wrong for its slotId, or null when it is right. */
export function checkPayload(data: Uint8Array, slotId: number): string | null {
  if (data.length < HEADER) return `length ${data.length} < header`;
  const view = new DataView(data.buffer, data.byteOffset, HEADER);
  const id = view.getUint32(0, true);
  const gen = view.getUint32(4, true);
  const length = view.getUint32(8, true);
  if (view.getUint32(12, true) !== 0xc0ffee) return 'bad header marker';
  if (id !== slotId >>> 0) return `payload of id ${id} in slot ${slotId}`;
  if (length !== data.length || length !== payloadLength(slotId)) return `length ${data.length}, header ${length}, expected ${payloadLength(slotId)}`;
  for (let i = HEADER; i < length; i++) {
    if (data[i] !== bodyByte(id, gen, i)) return `byte ${i} is ${data[i]}, expected ${bodyByte(id, gen, i)} (generation ${gen})`;
  }
  return null;
}
