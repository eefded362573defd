// Smoke test of the packed @plh/ready-signal, installed alone with npm in an empty project.
// The parent imports it as ESM; the child requires it as CJS, signals ready with a payload and a
// checkpoint, waits at the release gate, then exits 0.
import { spawn } from 'node:child_process';
import { attachReadySignal, prepareReadySignal } from '@plh/ready-signal';

const childCode = `
const { signalTestReady, signalCheckpoint, waitForRelease } = require('@plh/ready-signal');
signalTestReady('pid=' + process.pid, { keepOpen: true });
waitForRelease({ timeoutMs: 5000 }).then(() => signalCheckpoint('released', { last: true }));
`;
const setup = prepareReadySignal({ release: true });
const child = spawn(process.execPath, ['-e', childCode], {
  stdio: ['ignore', 'inherit', 'pipe', ...setup.stdio],
  env: { ...process.env, ...setup.env },
});
const guard = setTimeout(() => {
  console.error('ready-signal smoke: no result within 10 s');
  child.kill('SIGKILL');
  process.exit(1);
}, 10_000);
try {
  const parent = attachReadySignal(child, setup);
  const { payload } = await parent.waitForReady({ timeoutMs: 5000 });
  if (payload !== `pid=${child.pid}`) throw new Error(`unexpected payload ${payload}`);
  parent.release();
  await parent.waitForCheckpoint('released', { timeoutMs: 5000 });
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`child exited with ${code}`);
  clearTimeout(guard);
  console.log(`ok: ready (${payload}), released, child exited 0`);
} catch (error) {
  clearTimeout(guard);
  child.kill('SIGKILL');
  console.error(`ready-signal smoke failed: ${error.stack ?? error}`);
  process.exit(1);
}
