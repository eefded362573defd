/** Stable error codes of @plh/datablock. Each failure has exactly one code. */
export type DataBlockErrorCode =
  | 'ERR_DATABLOCK_NOT_FOUND'
  | 'ERR_DATABLOCK_EXISTS'
  | 'ERR_DATABLOCK_BAD_NAME'
  | 'ERR_DATABLOCK_BAD_MAGIC'
  | 'ERR_DATABLOCK_VERSION_MISMATCH'
  | 'ERR_DATABLOCK_LAYOUT_INVALID'
  | 'ERR_DATABLOCK_TOO_SMALL'
  | 'ERR_DATABLOCK_TIMEOUT'
  | 'ERR_DATABLOCK_CLOSED'
  | 'ERR_DATABLOCK_NOT_OWNER'
  | 'ERR_DATABLOCK_NO_SPACE'
  | 'ERR_DATABLOCK_PERMISSION_DENIED'
  | 'ERR_DATABLOCK_NOT_RECOVERABLE'
  | 'ERR_DATABLOCK_INVALID_ARGUMENT'
  | 'ERR_DATABLOCK_LAYOUT_MISMATCH'
  | 'ERR_DATABLOCK_WRONG_KIND'
  | 'ERR_DATABLOCK_DEADLOCK'
  | 'ERR_DATABLOCK_ABORTED'
  | 'ERR_DATABLOCK_PARTICIPANTS_FULL'
  | 'ERR_DATABLOCK_SYSTEM'
  | 'ERR_DATABLOCK_SLOT_HELD'
  | 'ERR_DATABLOCK_SLOT_RELEASED'
  | 'ERR_DATABLOCK_CONCURRENT_USE'
  | 'ERR_DATABLOCK_POLICY'
  | 'ERR_DATABLOCK_PRODUCER_EXISTS'
  | 'ERR_DATABLOCK_CHECKSUM_MISMATCH'
  | 'ERR_DATABLOCK_OWNER_ALIVE'
  | 'ERR_DATABLOCK_END_OF_STREAM';

export const DATABLOCK_ERROR_CODES: readonly DataBlockErrorCode[] = Object.freeze([
  'ERR_DATABLOCK_NOT_FOUND',
  'ERR_DATABLOCK_EXISTS',
  'ERR_DATABLOCK_BAD_NAME',
  'ERR_DATABLOCK_BAD_MAGIC',
  'ERR_DATABLOCK_VERSION_MISMATCH',
  'ERR_DATABLOCK_LAYOUT_INVALID',
  'ERR_DATABLOCK_TOO_SMALL',
  'ERR_DATABLOCK_TIMEOUT',
  'ERR_DATABLOCK_CLOSED',
  'ERR_DATABLOCK_NOT_OWNER',
  'ERR_DATABLOCK_NO_SPACE',
  'ERR_DATABLOCK_PERMISSION_DENIED',
  'ERR_DATABLOCK_NOT_RECOVERABLE',
  'ERR_DATABLOCK_INVALID_ARGUMENT',
  'ERR_DATABLOCK_LAYOUT_MISMATCH',
  'ERR_DATABLOCK_WRONG_KIND',
  'ERR_DATABLOCK_DEADLOCK',
  'ERR_DATABLOCK_ABORTED',
  'ERR_DATABLOCK_PARTICIPANTS_FULL',
  'ERR_DATABLOCK_SYSTEM',
  'ERR_DATABLOCK_SLOT_HELD',
  'ERR_DATABLOCK_SLOT_RELEASED',
  'ERR_DATABLOCK_CONCURRENT_USE',
  'ERR_DATABLOCK_POLICY',
  'ERR_DATABLOCK_PRODUCER_EXISTS',
  'ERR_DATABLOCK_CHECKSUM_MISMATCH',
  'ERR_DATABLOCK_OWNER_ALIVE',
  'ERR_DATABLOCK_END_OF_STREAM',
] as const);

export interface DataBlockErrorOptions {
  cause?: unknown;
  /** Segment-level context: the user name and the kind of object. */
  name?: string;
  kind?: ObjectKind;
}

export type ObjectKind = 'DataBlock' | 'DataBlockMutex';

/** The one error class of @plh/datablock. Switch on `code`, never on `message`. */
export class DataBlockError extends Error {
  readonly code: DataBlockErrorCode;
  readonly objectName?: string;
  readonly kind?: ObjectKind;

  constructor(code: DataBlockErrorCode, message: string, options: DataBlockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DataBlockError';
    this.code = code;
    if (options.name !== undefined) this.objectName = options.name;
    if (options.kind !== undefined) this.kind = options.kind;
  }
}

export function isDataBlockError(value: unknown, code?: DataBlockErrorCode): value is DataBlockError {
  return value instanceof DataBlockError && (code === undefined || value.code === code);
}

export function invalidArgument(message: string): DataBlockError {
  return new DataBlockError('ERR_DATABLOCK_INVALID_ARGUMENT', message);
}

export function closedError(kind: ObjectKind, name: string): DataBlockError {
  return new DataBlockError(
    'ERR_DATABLOCK_CLOSED',
    `${kind} '${name}' is closed: attach it again with ${kind}.attach('${name}') to keep using it`,
    { name, kind },
  );
}
