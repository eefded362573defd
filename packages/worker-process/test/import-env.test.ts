// Importing @plh/worker-process (which re-exports @plh/ready-signal) never throws, whatever
// PLH_TEST_READY_FD / PLH_TEST_RELEASE_FD hold: a program that never signals must run with a stale
// or empty value. Real child processes, both entry points.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const PROGRAM = `
const main = await import('@plh/worker-process');
const worker = await import('@plh/worker-process/worker');
let call;
try { call = String(main.signalTestReady()); } catch (error) { call = error.code; }
console.log(JSON.stringify({ imported: typeof main.spawnWorker === 'function' && typeof worker.runWorker === 'function', call }));
`;

function run(value: string): { imported: boolean; call: string } {
  const env = { ...process.env, PLH_TEST_READY_FD: value, PLH_TEST_RELEASE_FD: value };
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROGRAM], { cwd: PACKAGE_DIR, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out.trim()) as { imported: boolean; call: string };
}

describe('importing @plh/worker-process with bad signal variables', () => {
  it('an empty value means unset', () => {
    expect(run('')).toEqual({ imported: true, call: 'false' });
  });

  it.each(['stale', '1', '987'])('%j: the import succeeds, signalTestReady() reports ERR_READY_BAD_FD', (value) => {
    expect(run(value)).toEqual({ imported: true, call: 'ERR_READY_BAD_FD' });
  });
});
