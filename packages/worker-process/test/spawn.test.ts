import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnWorker, spawnWorkerWithReadySignal, WorkerProcessError } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { WORKER } from './helpers.js';

cleanupWorkersAfterEach();

describe('spawnWorker', () => {
  it('runs node <entry> <scenario> ...args and captures stdout', async () => {
    const worker = spawnWorker(WORKER, 'basic.ok', ['a', 'b c']);
    expect(worker.pid).toBeGreaterThan(0);
    expect(worker.scenario).toBe('basic.ok');
    const result = await worker.expectOk({ timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, forcedKill: false, stderr: '' });
    expect(result.stdout).toBe('args=["a","b c"]\n');
    expect(result.durationMs).toBeGreaterThan(0);
  });

  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'plh-wp-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes env and cwd, and accepts options in place of args', async () => {
    const worker = spawnWorker(WORKER, 'basic.env', { env: { PLH_TEST_GREETING: 'hello' }, cwd: dir });
    const result = await worker.expectOk();
    expect(result.stdout).toBe(`hello from ${dir}\n`);
  });

  it('a throwing scenario exits 1 with the error on stderr; expectOk reports it', async () => {
    const worker = spawnWorker(WORKER, 'basic.throws');
    const result = await worker.waitForExit();
    expect(result.exitCode).toBe(1); // waitForExit never rejects on a non-zero exit
    expect(result.stderr).toContain('kaput: the widget broke');
    const error = await worker.expectOk().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerProcessError);
    expect(error).toMatchObject({ code: 'ERR_WORKER_FAILED', exitCode: 1, scenario: 'basic.throws', pid: worker.pid });
    expect((error as Error).message).toContain('exited with code 1');
    expect((error as Error).message).toContain('kaput: the widget broke');
  });

  it('an unknown scenario exits 127 and lists the known ones', async () => {
    const result = await spawnWorker(WORKER, 'no.such').waitForExit();
    expect(result.exitCode).toBe(127);
    expect(result.stderr).toContain('Unknown scenario "no.such". Known scenarios:');
    expect(result.stderr).toContain('  basic.ok\n');
    expect(result.stderr).toContain('  ready.gate\n');
  });

  it('nodeOptions are placed before the entry', async () => {
    const worker = spawnWorkerWithReadySignal(WORKER, 'ready.gate', ['x'], { nodeOptions: ['--no-warnings'] });
    await worker.waitForReady();
    // The program's own argv (child.spawnargs is the no-orphans wrapper's).
    const argv = readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').split('\0');
    expect(argv.slice(1, 3)).toEqual(['--no-warnings', WORKER]);
    worker.release();
    await worker.expectOk();
  });
});
