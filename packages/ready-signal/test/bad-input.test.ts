import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachReadySignal, prepareReadySignal } from '../src/index.js';
import { closed, collectStdout, fixture, spawnNode, spawnTracked } from './helpers.js';

interface ProbeResult {
  result?: unknown;
  code?: string;
  message?: string;
  isReadySignalError?: boolean;
  envAfterImport: { ready: string | null; release: string | null };
}

/** Runs fixtures/probe.mjs with a given fd 3 and environment; returns what it printed. */
async function probe(action: string, env: Record<string, string>, fd3: 'pipe' | 'ignore' | number = 'ignore'): Promise<ProbeResult> {
  const base = { ...process.env };
  delete base.PLH_TEST_READY_FD;
  delete base.PLH_TEST_RELEASE_FD;
  const child = spawnTracked(process.execPath, [fixture('probe.mjs'), action], ['ignore', 'pipe', 'inherit', fd3], { ...base, ...env });
  const stdout = collectStdout(child);
  await closed(child);
  return JSON.parse(stdout()) as ProbeResult;
}

describe('child side: bad input gets typed errors', () => {
  const opened: number[] = [];
  let dir: string | undefined;
  afterEach(() => {
    for (const fd of opened.splice(0)) closeSync(fd);
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('without the variable, signalling is a no-op returning false', async () => {
    expect(await probe('ready', {})).toMatchObject({ result: false });
    expect(await probe('checkpoint', {})).toMatchObject({ result: false });
    expect(await probe('release', {})).toMatchObject({ result: 'released' });
  });

  it('removes the variables from its own environment on import', async () => {
    const outcome = await probe('ready', { PLH_TEST_READY_FD: '3', PLH_TEST_RELEASE_FD: '4' }, 'pipe');
    expect(outcome).toMatchObject({ result: true, envAfterImport: { ready: null, release: null } });
  });

  it('a non-numeric PLH_TEST_READY_FD', async () => {
    const outcome = await probe('ready', { PLH_TEST_READY_FD: 'three' });
    expect(outcome).toMatchObject({ code: 'ERR_READY_BAD_FD', isReadySignalError: true, message: expect.stringContaining('"three"') });
  });

  it('a closed fd', async () => {
    const outcome = await probe('ready', { PLH_TEST_READY_FD: '987' });
    expect(outcome).toMatchObject({ code: 'ERR_READY_BAD_FD', message: expect.stringContaining('not open') });
  });

  it('a regular file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'plh-ready-'));
    const file = join(dir, 'not-a-pipe');
    writeFileSync(file, '');
    const fd = openSync(file, 'w');
    opened.push(fd);
    const outcome = await probe('ready', { PLH_TEST_READY_FD: '3' }, fd);
    expect(outcome).toMatchObject({ code: 'ERR_READY_BAD_FD', message: expect.stringContaining('regular file') });
  });

  it('a character device (/dev/null) and a tty (/dev/ptmx)', async () => {
    for (const device of ['/dev/null', '/dev/ptmx']) {
      let fd: number;
      try {
        fd = openSync(device, 'r+');
      } catch {
        continue; // no such device in this sandbox
      }
      opened.push(fd);
      const outcome = await probe('ready', { PLH_TEST_READY_FD: '3' }, fd);
      expect(outcome).toMatchObject({ code: 'ERR_READY_BAD_FD', message: expect.stringContaining('character device') });
    }
  });

  it('a bad release fd rejects waitForRelease with ERR_READY_BAD_FD', async () => {
    expect(await probe('release', { PLH_TEST_RELEASE_FD: 'x' })).toMatchObject({ code: 'ERR_READY_BAD_FD' });
  });

  it('signalling ready twice', async () => {
    expect(await probe('twice', { PLH_TEST_READY_FD: '3' }, 'pipe')).toMatchObject({ code: 'ERR_READY_ALREADY_SIGNALLED' });
  });

  it('a checkpoint name with a newline, and a payload with one', async () => {
    expect(await probe('bad-checkpoint', { PLH_TEST_READY_FD: '3' }, 'pipe')).toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
    expect(await probe('bad-payload', { PLH_TEST_READY_FD: '3' }, 'pipe')).toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
  });

  it('a checkpoint before ready, and after the fd was closed', async () => {
    expect(await probe('checkpoint-first', { PLH_TEST_READY_FD: '3' }, 'pipe')).toMatchObject({ code: 'ERR_READY_NOT_SIGNALLED' });
    expect(await probe('checkpoint-after-close', { PLH_TEST_READY_FD: '3' }, 'pipe')).toMatchObject({ code: 'ERR_READY_CLOSED' });
  });

  it('an invalid timeout of waitForRelease', async () => {
    expect(await probe('release-bad-timeout', { PLH_TEST_RELEASE_FD: '3' }, 'pipe')).toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
  });
});

describe('parent side: bad input gets typed errors', () => {
  it.each([-1, Number.NaN, '100', null])('timeoutMs %s', async (timeoutMs) => {
    const { parent } = spawnNode('ready.mjs');
    await expect(parent.waitForReady({ timeoutMs: timeoutMs as number })).rejects.toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
    await expect(parent.waitForCheckpoint('a', { timeoutMs: timeoutMs as number })).rejects.toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
  });

  it('a checkpoint name with a newline or empty', async () => {
    const { parent } = spawnNode('ready.mjs');
    await expect(parent.waitForCheckpoint('a\nb')).rejects.toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
    await expect(parent.waitForCheckpoint('')).rejects.toMatchObject({ code: 'ERR_READY_INVALID_ARGUMENT' });
  });

  it('prepareReadySignal with a bad firstFd', () => {
    for (const firstFd of [2, 3.5, Number.NaN]) {
      expect(() => prepareReadySignal({ firstFd })).toThrow(expect.objectContaining({ code: 'ERR_READY_INVALID_ARGUMENT' }));
    }
    expect(prepareReadySignal({ release: true, firstFd: 5 })).toEqual({
      env: { PLH_TEST_READY_FD: '5', PLH_TEST_RELEASE_FD: '6' },
      stdio: ['pipe', 'pipe'],
      readyFd: 5,
      releaseFd: 6,
    });
  });

  it('attachReadySignal to a child spawned without the pipe', async () => {
    const child = spawnTracked(process.execPath, ['-e', ''], 'ignore', process.env);
    expect(() => attachReadySignal(child, prepareReadySignal())).toThrow(expect.objectContaining({ code: 'ERR_READY_INVALID_ARGUMENT', message: expect.stringContaining('setup.stdio') }));
    await closed(child);
  });
});
