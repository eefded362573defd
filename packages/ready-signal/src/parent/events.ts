/** A message received from the child, stamped with process.hrtime.bigint() on arrival. */
export type ReadySignalEvent =
  | { type: 'ready'; payload?: string; hrtime: bigint }
  | { type: 'checkpoint'; name: string; hrtime: bigint };
