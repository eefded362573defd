import { DataBlockError, type ObjectKind } from './errors.js';

interface SystemErrorLike {
  code?: unknown;
  message?: unknown;
}

/**
 * Maps an Error thrown by @plh/datablock-native (code = errno name) to a DataBlockError.
 * `op` says what we were doing, for the message.
 */
export function fromSystemError(
  error: unknown,
  context: { kind: ObjectKind; name: string; op: 'create' | 'attach' | 'unlink' | 'map' | 'inspect' },
): DataBlockError {
  if (error instanceof DataBlockError) return error;
  const code = typeof (error as SystemErrorLike)?.code === 'string' ? ((error as SystemErrorLike).code as string) : '';
  const { kind, name, op } = context;
  const base = { cause: error, name, kind };
  const create = kind === 'DataBlock' ? `DataBlock.create('${name}', { slotCount, slotSize })` : `DataBlockMutex.create('${name}')`;
  switch (code) {
    case 'ENOENT':
      return new DataBlockError(
        'ERR_DATABLOCK_NOT_FOUND',
        `${kind} '${name}' does not exist: create it first with ${create} or check the name`,
        base,
      );
    case 'EEXIST':
      return new DataBlockError(
        'ERR_DATABLOCK_EXISTS',
        `${kind} '${name}' already exists: attach to it with ${kind}.attach('${name}'), pick another name, or remove it with ${kind}.unlink('${name}') (or 'plh-datablock gc' if its owners are dead)`,
        base,
      );
    case 'ENOSPC':
    case 'ENOMEM':
    case 'EFBIG':
      return new DataBlockError(
        'ERR_DATABLOCK_NO_SPACE',
        `Not enough shared memory to ${op} ${kind} '${name}' (${code}): free space in /dev/shm (see 'plh-datablock gc' and 'df -h /dev/shm') or use a smaller slotCount/slotSize`,
        base,
      );
    case 'EACCES':
    case 'EPERM':
      return new DataBlockError(
        'ERR_DATABLOCK_PERMISSION_DENIED',
        `Permission denied to ${op} ${kind} '${name}': it belongs to another user or its mode forbids access (create it with a wider 'mode', or run as its owner)`,
        base,
      );
    case 'ENAMETOOLONG':
      return new DataBlockError(
        'ERR_DATABLOCK_BAD_NAME',
        `${kind} name '${name}' is too long for this system: use a shorter name`,
        base,
      );
    case 'EINVAL':
      return new DataBlockError(
        'ERR_DATABLOCK_INVALID_ARGUMENT',
        `The system rejected the request to ${op} ${kind} '${name}' (EINVAL): check the name and sizes`,
        base,
      );
    default: {
      const message = typeof (error as SystemErrorLike)?.message === 'string' ? (error as SystemErrorLike).message : String(error);
      return new DataBlockError(
        'ERR_DATABLOCK_SYSTEM',
        `Could not ${op} ${kind} '${name}': ${message as string}`,
        base,
      );
    }
  }
}
