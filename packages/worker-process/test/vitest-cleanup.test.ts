// cleanupWorkersAfterEach terminates what the test that just ended started, and nothing else:
// a file-scoped fixture's server (set up lazily inside the first test using it) and a worker
// from beforeAll live on. Each later test checks what the earlier ones left (tests of a file run
// in order).
import { afterAll, beforeAll, describe, expect, test as base } from 'vitest';
import { spawnProcess, type WorkerProcess } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { isAlive } from './helpers.js';

cleanupWorkersAfterEach();

const test = base.extend<{ server: WorkerProcess; shared: { server: WorkerProcess; name: string } }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest requires a destructuring pattern here
    async ({}, use) => {
      const server = spawnProcess('sleep', ['1000']);
      await use(server);
      await server.terminate();
    },
    { scope: 'file' },
  ],
  shared: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest requires a destructuring pattern here
    async ({}, use) => {
      const server = spawnProcess('sleep', ['1000']);
      await use({ server, name: 'in an object' });
      await server.terminate();
    },
    { scope: 'file' },
  ],
});

let fromBeforeAll: WorkerProcess;
beforeAll(() => {
  fromBeforeAll = spawnProcess('sleep', ['1000']);
});
afterAll(async () => {
  await fromBeforeAll.terminate();
});

describe('cleanupWorkersAfterEach', () => {
  let firstServerPid = 0;
  let leftRunning: WorkerProcess | undefined;

  test('1: a test uses the file-scoped server and leaves a worker of its own running', ({ server, shared }) => {
    firstServerPid = server.pid;
    expect(server.exited).toBe(false);
    expect(shared.server.exited).toBe(false);
    leftRunning = spawnProcess('sleep', ['1000']);
  });

  test('2: the file-scoped servers live on; the worker test 1 left is gone; beforeAll\'s lives on', ({ server, shared }) => {
    expect(server.pid).toBe(firstServerPid);
    expect(server.exited).toBe(false);
    expect(isAlive(server.pid)).toBe(true);
    expect(shared.server.exited).toBe(false);
    expect(leftRunning?.exited).toBe(true);
    expect(isAlive(leftRunning!.pid)).toBe(false);
    expect(fromBeforeAll.exited).toBe(false);
  });
});
