import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadySignalError } from '../src/index.js';
import { closed, spawnNode, spawnSignalled } from './helpers.js';

const NEVER_READY = ['-e', 'setInterval(() => {}, 1000)'];

describe('waitForReady with real Node children', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('resolves with the payload of a Node child using the built package', async () => {
    const { parent } = spawnNode('ready.mjs', ['port=4242']);
    await expect(parent.waitForReady({ timeoutMs: 10_000 })).resolves.toEqual({ payload: 'port=4242' });
    expect(parent.events).toMatchObject([{ type: 'ready', payload: 'port=4242' }]);
    expect(typeof parent.events[0]?.hrtime).toBe('bigint');
  });

  it('resolves without payload when none was given', async () => {
    const { parent } = spawnNode('ready.mjs');
    await expect(parent.waitForReady({ timeoutMs: 10_000 })).resolves.toEqual({});
  });

  it('waits for a slow-init child: its init is done when ready resolves', async () => {
    dir = mkdtempSync(join(tmpdir(), 'plh-ready-'));
    const marker = join(dir, 'marker');
    const { parent } = spawnNode('slow-init.mjs', [marker]);
    const wait = parent.waitForReady({ timeoutMs: 10_000 });
    expect(existsSync(marker)).toBe(false);
    await expect(wait).resolves.toEqual({ payload: 'initialised' });
    expect(readFileSync(marker, 'utf8')).toBe('init-done');
  });

  it('rejects at once with ERR_READY_CHILD_GONE, exit code and stderr tail when the child dies first', async () => {
    const { parent } = spawnNode('dies.mjs');
    const started = Date.now();
    const error = await parent.waitForReady({ timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(ReadySignalError);
    expect(error).toMatchObject({ code: 'ERR_READY_CHILD_GONE', exitCode: 7 });
    const message = (error as Error).message;
    expect(message).toContain('exited with code 7');
    expect(message).toContain('fatal: cannot open widget.cfg');
    expect((error as ReadySignalError).stderrTail).toContain('fatal: cannot open widget.cfg');
  });

  it('reports the signal of a child killed before ready', async () => {
    const { child, parent } = spawnSignalled(process.execPath, NEVER_READY);
    const wait = parent.waitForReady({ timeoutMs: 20_000 });
    child.kill('SIGKILL');
    await expect(wait).rejects.toMatchObject({ code: 'ERR_READY_CHILD_GONE', signal: 'SIGKILL', message: expect.stringContaining('SIGKILL') });
  });

  it('a wait started after the child is gone rejects at once too', async () => {
    const { child, parent } = spawnNode('dies.mjs');
    await closed(child);
    await expect(parent.waitForReady({ timeoutMs: 20_000 })).rejects.toMatchObject({ code: 'ERR_READY_CHILD_GONE' });
  });

  it('a child that signalled and exited is ready even when asked late', async () => {
    const { child, parent } = spawnNode('ready.mjs', ['late']);
    await closed(child);
    await expect(parent.waitForReady({ timeoutMs: 1_000 })).resolves.toEqual({ payload: 'late' });
  });

  it('rejects with ERR_READY_TIMEOUT when the child never signals', async () => {
    const { parent } = spawnSignalled(process.execPath, NEVER_READY);
    await expect(parent.waitForReady({ timeoutMs: 200 })).rejects.toMatchObject({ code: 'ERR_READY_TIMEOUT', message: expect.stringContaining('200 ms') });
  });

  it('rejects with ERR_READY_ABORTED on abort, with the reason as cause', async () => {
    const { parent } = spawnSignalled(process.execPath, NEVER_READY);
    const controller = new AbortController();
    const wait = parent.waitForReady({ timeoutMs: 20_000, signal: controller.signal });
    const reason = new Error('test over');
    controller.abort(reason);
    await expect(wait).rejects.toMatchObject({ code: 'ERR_READY_ABORTED', cause: reason });
    const already = parent.waitForReady({ signal: AbortSignal.abort() });
    await expect(already).rejects.toMatchObject({ code: 'ERR_READY_ABORTED' });
  });

  it('close() rejects pending waits with ERR_READY_CLOSED', async () => {
    const { parent } = spawnSignalled(process.execPath, NEVER_READY);
    const wait = parent.waitForReady({ timeoutMs: 20_000 });
    parent.close();
    await expect(wait).rejects.toMatchObject({ code: 'ERR_READY_CLOSED' });
  });

  it('passes describeExit output into the child-gone error', async () => {
    const { attachReadySignal, prepareReadySignal } = await import('../src/index.js');
    const { spawn } = await import('node:child_process');
    const setup = prepareReadySignal();
    const child = spawn(process.execPath, ['-e', 'process.exit(5)'], { stdio: ['ignore', 'ignore', 'ignore', ...setup.stdio], env: { ...process.env, ...setup.env } });
    const parent = attachReadySignal(child, setup, { describeExit: () => 'see /tmp/worker.log' });
    const error = await parent.waitForReady({ timeoutMs: 20_000 }).catch((e: unknown) => e as ReadySignalError);
    parent.close();
    expect(error).toMatchObject({ code: 'ERR_READY_CHILD_GONE', exitCode: 5 });
    expect((error as Error).message).toContain('see /tmp/worker.log');
  });
});
