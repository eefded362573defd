// The fuzz batch worker (fuzz.batch in the worker registry): attaches to corrupted segments it
// did not create, one after the other. Lines on stdout (campaign/lines.ts), written synchronously
// (so a crash right after "start" is still seen by the parent):   start <i>   then   done <i> <outcome>
// outcome: "attached", a DataBlockError code, or "exception <Name>: <message>" (a bug).
// args: <manifest.json>  — [{ "index": i, "name": "...", "attachAs": "block" | "mutex" }, ...]
import { readFileSync } from 'node:fs';
import { DataBlock, DataBlockError, DataBlockMutex } from '@plh/datablock';
import { emitLine as line } from '../campaign/lines.js';

interface Entry {
  index: number;
  name: string;
  attachAs: 'block' | 'mutex';
}

/** Touches every view a user can reach, then closes. */
function touchBlock(name: string): void {
  const block = DataBlock.attach(name, { timeoutMs: 0 });
  try {
    let sum = 0;
    for (const byte of block.flexZone) sum += byte;
    if (!Number.isFinite(sum)) throw new Error('flex zone read failed');
    for (const p of block.participants()) if (typeof p.alive !== 'boolean') throw new Error('bad participant');
    void block.mutex.state;
    const locked = block.mutex.tryLock();
    if (locked !== null) block.mutex.unlock();
  } finally {
    block.close();
  }
}

function touchMutex(name: string): void {
  const mutex = DataBlockMutex.attach(name, { timeoutMs: 0 });
  try {
    for (const p of mutex.participants()) if (typeof p.alive !== 'boolean') throw new Error('bad participant');
    void mutex.state;
    const locked = mutex.tryLock();
    if (locked !== null) mutex.unlock();
  } finally {
    mutex.close();
  }
}

/** fuzz.batch <manifest.json> */
export function fuzzBatch([manifestPath]: string[]): void {
  if (!manifestPath) throw new Error('usage: fuzz.batch <manifest.json>');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Entry[];
  for (const entry of manifest) {
    line(`start ${entry.index}`);
    let outcome: string;
    try {
      if (entry.attachAs === 'block') touchBlock(entry.name);
      else touchMutex(entry.name);
      outcome = 'attached';
    } catch (err) {
      outcome = err instanceof DataBlockError
        ? err.code
        : `exception ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`.replace(/\s+/g, ' ');
    }
    line(`done ${entry.index} ${outcome}`);
  }
}
