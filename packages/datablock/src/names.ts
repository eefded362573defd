import { DataBlockError, type ObjectKind } from './errors.js';

/** POSIX name prefixes: a block `foo` is `/plh.foo`, a standalone mutex `foo` is `/plh.mutex.foo`. */
export const BLOCK_PREFIX = 'plh.';
export const MUTEX_PREFIX = 'plh.mutex.';
/** Where Linux keeps POSIX shared memory objects. */
export const SHM_DIR = '/dev/shm';
/** NAME_MAX on Linux: the longest file name in /dev/shm, prefix included. */
export const NAME_MAX = 255;

const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;

function prefixOf(kind: ObjectKind): string {
  return kind === 'DataBlock' ? BLOCK_PREFIX : MUTEX_PREFIX;
}

/** Longest user name accepted for this kind (NAME_MAX minus the prefix). */
export function maxNameLength(kind: ObjectKind): number {
  return NAME_MAX - prefixOf(kind).length;
}

function badName(kind: ObjectKind, name: unknown, why: string): DataBlockError {
  const shown = typeof name === 'string' ? `'${name.length > 40 ? `${name.slice(0, 40)}...` : name}'` : String(name);
  return new DataBlockError('ERR_DATABLOCK_BAD_NAME', `Invalid ${kind} name ${shown}: ${why}`, {
    kind,
    ...(typeof name === 'string' ? { name } : {}),
  });
}

/** Throws ERR_DATABLOCK_BAD_NAME unless `name` is a usable user name for `kind`. */
export function validateName(name: unknown, kind: ObjectKind): asserts name is string {
  if (typeof name !== 'string') throw badName(kind, name, 'a name must be a string');
  if (name.length === 0) throw badName(kind, name, 'a name must not be empty');
  if (name.includes('/')) throw badName(kind, name, "a name must not contain '/' (it is not a path)");
  if (!NAME_PATTERN.test(name)) {
    throw badName(kind, name, 'use only letters, digits, dot, underscore and dash ([A-Za-z0-9._-])');
  }
  if (name.length > maxNameLength(kind)) {
    throw badName(kind, name, `it is ${name.length} characters; at most ${maxNameLength(kind)} fit (NAME_MAX ${NAME_MAX} including the '${prefixOf(kind)}' prefix)`);
  }
  if (kind === 'DataBlock' && name.startsWith('mutex.')) {
    throw badName(kind, name, "names starting with 'mutex.' are reserved for DataBlockMutex segments: pick another name");
  }
}

/** The POSIX shm name (with the leading slash) for a validated user name. */
export function shmNameOf(name: string, kind: ObjectKind): string {
  validateName(name, kind);
  return `/${prefixOf(kind)}${name}`;
}

/** The file behind the POSIX name in /dev/shm. */
export function shmPathOf(name: string, kind: ObjectKind): string {
  return `${SHM_DIR}${shmNameOf(name, kind)}`;
}

/** Classifies a file name found in /dev/shm; null when it is not ours. */
export function parseShmFileName(file: string): { kind: ObjectKind; name: string } | null {
  if (file.startsWith(MUTEX_PREFIX) && file.length > MUTEX_PREFIX.length) {
    return { kind: 'DataBlockMutex', name: file.slice(MUTEX_PREFIX.length) };
  }
  if (file.startsWith(BLOCK_PREFIX) && file.length > BLOCK_PREFIX.length) {
    return { kind: 'DataBlock', name: file.slice(BLOCK_PREFIX.length) };
  }
  return null;
}
