// node:test integration, run in a real `node --test` child: per-test scope with t.signal and
// t.after, and withProcesses appending the processes' report to a failing test's error.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnProcess } from '../src/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/node-test.fixture.mjs', import.meta.url));

describe('@plh/worker-process/node-test', () => {
  it('terminates each test\'s processes after it; a failing test carries their output and timeline', async () => {
    const run = spawnProcess(process.execPath, ['--test', '--test-reporter=spec', FIXTURE], { env: { NO_COLOR: '1', FORCE_COLOR: '0' } });
    const result = await run.waitForExit({ timeoutMs: 60_000 });
    const out = result.stdout + result.stderr;
    expect(out).toMatch(/✔ 1: a test starts a process/);
    expect(out).toMatch(/✔ 2: the process of test 1 is gone/);
    expect(out).toMatch(/✖ 3: fails on purpose/);
    expect(out).toContain('Processes of this test:');
    expect(out).toContain('| warning: disk almost full');
    expect(out).toContain('Timeline:');
    expect(result.exitCode).toBe(1); // the one failure
  });
});
