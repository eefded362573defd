// Child of the mutex hand-off benchmark. Two children share a turn counter protected by a lock
// and pass the turn back and forth `rounds` times: lock, if it is my turn flip it, unlock.
// Method 'plh': the counter is in a DataBlock's flex zone, guarded by the block's robust mutex.
// Method 'lockfile': the counter is a file, guarded by proper-lockfile (what Node users use).
import { readFileSync, writeFileSync } from 'node:fs';
import { DataBlock } from '@plh/datablock';
import { signalTestReady, waitForRelease } from '@plh/ready-signal';
import lockfile from 'proper-lockfile';

const [method, target, roleArg, roundsArg] = process.argv.slice(2);
const role = Number(roleArg);
const rounds = Number(roundsArg);
const WAIT_MS = 120_000;

async function main(): Promise<void> {
  if (method === 'plh') {
    const block = DataBlock.attach(target!, { timeoutMs: WAIT_MS });
    const turn = new Int32Array(block.flexZone.buffer, block.flexZone.byteOffset, 1);
    signalTestReady();
    await waitForRelease({ timeoutMs: WAIT_MS });
    const started = process.hrtime.bigint();
    let mine = 0;
    while (mine < rounds) {
      block.mutex.lock({ timeoutMs: WAIT_MS });
      if (turn[0]! % 2 === role) {
        turn[0] = turn[0]! + 1;
        mine++;
      }
      block.mutex.unlock();
    }
    report(started);
    block.close();
    return;
  }
  if (method === 'lockfile') {
    signalTestReady();
    await waitForRelease({ timeoutMs: WAIT_MS });
    const started = process.hrtime.bigint();
    let mine = 0;
    while (mine < rounds) {
      const release = await lockfile.lock(target!, {
        realpath: false,
        retries: { retries: 100_000, minTimeout: 1, maxTimeout: 10, factor: 1.2 },
      });
      const turn = Number(readFileSync(target!, 'utf8'));
      if (turn % 2 === role) {
        writeFileSync(target!, String(turn + 1));
        mine++;
      }
      await release();
    }
    report(started);
    return;
  }
  throw new Error(`mutex-child: unknown method '${method}'`);
}

function report(started: bigint): void {
  const elapsedNs = Number(process.hrtime.bigint() - started);
  process.stdout.write(`${JSON.stringify({ elapsedNs, rounds })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
