// processFixture: a process per test or per file, terminated (exactly those) when the fixture
// ends, and a failing test that carries the processes' output tails and timeline.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test as base } from 'vitest';
import { spawnProcess, type WorkerProcess } from '../src/index.js';
import { processFixture } from '../src/vitest.js';
import { isAlive } from './helpers.js';

const test = base.extend<{ perTest: WorkerProcess; perFile: WorkerProcess}>({
  perTest: processFixture((scope) => scope.spawnProcess('sleep', ['1000'])),
  perFile: [processFixture((scope) => scope.spawnProcess('sleep', ['1000'])), { scope: 'file' }],
});

// vitest tears file fixtures down after the file's afterAll hooks, where this repository's leak
// guard already checks for running children: end the file's process here (the fixture's own
// teardown then finds it gone).
let fileProcess: WorkerProcess | undefined;
afterAll(async () => {
  await fileProcess?.terminate();
});

describe('processFixture', () => {
  let first: WorkerProcess | undefined;
  let firstFile = 0;

  test('1: a test gets its own process and the file one', ({ perTest, perFile }) => {
    expect(perTest.exited).toBe(false);
    first = perTest;
    firstFile = perFile.pid;
    fileProcess = perFile;
  });

  test('2: the previous test\'s process was terminated, the file one lives on', ({ perTest, perFile }) => {
    expect(first?.exited).toBe(true);
    expect(isAlive(first!.pid)).toBe(false);
    expect(perTest.pid).not.toBe(first!.pid);
    expect(perFile.pid).toBe(firstFile);
    expect(perFile.exited).toBe(false);
  });

  test('the context\'s AbortSignal reaches the spawns: aborting it terminates the process', async () => {
    const fixture = processFixture((scope) => scope.spawnProcess('sleep', ['1000']));
    const controller = new AbortController();
    let proc: WorkerProcess | undefined;
    // Driven by hand, with a context whose signal we control (vitest passes the test's context.signal).
    await fixture({ signal: controller.signal } as never, async (value) => {
      proc = value;
      controller.abort();
      expect((await value.waitForExit()).signal).toBe('SIGTERM');
    });
    expect(proc?.exited).toBe(true);
  });

  test('a failing test carries the output tails and the timeline of its processes', async () => {
    const dir = fileURLToPath(new URL('./fixtures/vitest-failing/', import.meta.url));
    const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
    const run = spawnProcess(process.execPath, [vitest, 'run', '--config', `${dir}vitest.config.mjs`, '--reporter', 'verbose'], { cwd: dir, env: { CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1' } });
    const result = await run.waitForExit({ timeoutMs: 60_000 });
    expect(result.exitCode).toBe(1);
    const out = result.stdout + result.stderr;
    expect(out).toContain('Processes of this test:');
    expect(out).toContain('| listening on 4242');
    expect(out).toContain('| warning: disk almost full');
    expect(out).toMatch(/killed by SIGTERM/);
    expect(out).toContain('Timeline:');
  });
});

// A plain spawn in this file is untouched by the fixtures.
test('processes spawned outside a fixture are not the fixture\'s', async () => {
  const own = spawnProcess('true');
  expect((await own.expectOk()).exitCode).toBe(0);
});
