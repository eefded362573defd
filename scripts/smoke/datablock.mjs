// Smoke test of the packed @plh/datablock + @plh/datablock-native in an empty npm project.
import { DataBlock, DataBlockMutex } from '@plh/datablock';

const name = `smoke-${process.pid}`;
const block = DataBlock.create(name, { slotCount: 4, slotSize: 256, flexZoneSize: 32 });
try {
  const { recovered } = block.mutex.lock({ timeoutMs: 1000 });
  if (recovered) throw new Error('fresh mutex reported recovered');
  block.flexZone.set([1, 2, 3]);
  block.mutex.unlock();
  const other = DataBlock.attach(name, { expect: { slotCount: 4, slotSize: 256 } });
  const seen = [...other.flexZone.subarray(0, 3)].join(',');
  if (seen !== '1,2,3') throw new Error(`flex zone mismatch: ${seen}`);
  await other.mutex.withLockAsync(() => undefined);
  other.close();
  const mutex = DataBlockMutex.create(name);
  try {
    mutex.withLock(() => undefined);
    mutex.lock();
    mutex.unlock();
  } finally {
    mutex.close();
    DataBlockMutex.unlink(name);
  }
} finally {
  block.close();
  DataBlock.unlink(name);
}
console.log('ok');
