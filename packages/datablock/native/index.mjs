import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const binding = require('./index.cjs');

export const {
  shmCreate,
  shmOpen,
  shmUnlink,
  fdSize,
  fdOwner,
  fdClose,
  exit,
  Mapping,
  errno,
  pthreadMutexSize,
  abiVersion,
  crc32c,
  crc32cHardware,
  NotifySocket,
} = binding;
export default binding;
