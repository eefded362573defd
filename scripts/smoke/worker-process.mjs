// Smoke test of the packed @plh/worker-process (with the packed @plh/ready-signal), installed with npm
// in an empty project: write a worker entry, spawn it with the ready pipe, await ready and exit 0.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnWorkerWithReadySignal, killAllWorkers } from '@plh/worker-process';

const entry = join(process.cwd(), 'smoke-worker.mjs');
writeFileSync(entry, `
import { runWorker, signalTestReady, waitForRelease } from '@plh/worker-process';
await runWorker({
  'smoke.hello': async ([name]) => {
    signalTestReady('hello ' + name, { keepOpen: true });
    await waitForRelease({ timeoutMs: 5000 });
    console.log('released');
  },
});
`);

try {
  const worker = spawnWorkerWithReadySignal(entry, 'smoke.hello', ['npm'], { readyTimeoutMs: 5000, exitTimeoutMs: 5000 });
  const { payload } = await worker.waitForReady();
  if (payload !== 'hello npm') throw new Error(`unexpected payload ${JSON.stringify(payload)}`);
  worker.release();
  const result = await worker.expectOk();
  if (result.stdout !== 'released\n') throw new Error(`unexpected stdout ${JSON.stringify(result.stdout)}`);

  // The CommonJS build and the vitest subpath resolve too.
  const require = createRequire(import.meta.url);
  if (typeof require('@plh/worker-process').spawnWorker !== 'function') throw new Error('CJS build broken');
  if (!import.meta.resolve('@plh/worker-process/vitest').endsWith('/dist/vitest.js')) throw new Error('vitest subpath broken');
  console.log('ok');
} finally {
  await killAllWorkers({ graceMs: 500 });
}
