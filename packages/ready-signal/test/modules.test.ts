import { describe, expect, it } from 'vitest';
import { closed, collectStdout, spawnNode, spawnTracked } from './helpers.js';

const EXPORTS = ['signalTestReady', 'signalCheckpoint', 'waitForRelease', 'prepareReadySignal', 'attachReadySignal', 'ReadySignalError', 'READY_FD_ENV', 'RELEASE_FD_ENV'];

async function evaluate(args: string[]): Promise<string> {
  const child = spawnTracked(process.execPath, args, ['ignore', 'pipe', 'inherit'], process.env);
  const stdout = collectStdout(child);
  expect(await closed(child)).toBe(0);
  return stdout();
}

describe('the built package', () => {
  it('is importable as ESM', async () => {
    const out = await evaluate(['--input-type=module', '-e', `import * as m from '@plh/ready-signal'; console.log(JSON.stringify(Object.keys(m)))`]);
    expect(JSON.parse(out)).toEqual(expect.arrayContaining(EXPORTS));
  });

  it('is requirable as CJS', async () => {
    const out = await evaluate(['-e', `console.log(JSON.stringify(Object.keys(require('@plh/ready-signal'))))`]);
    expect(JSON.parse(out)).toEqual(expect.arrayContaining(EXPORTS));
  });

  it('a CJS child signals ready with a payload', async () => {
    const { parent } = spawnNode('ready.cjs', ['from-cjs']);
    await expect(parent.waitForReady({ timeoutMs: 10_000 })).resolves.toEqual({ payload: 'from-cjs' });
  });
});
