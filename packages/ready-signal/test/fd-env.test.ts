// PLH_TEST_READY_FD / PLH_TEST_RELEASE_FD with empty, stale or wrong values, in real child
// processes: importing never throws, an empty value means unset, fds 0-2 are refused, and every
// other bad value fails the call that needs the fd with an ERR_READY_BAD_FD that reads well.
import { describe, expect, it } from 'vitest';
import { closed, collectStdout, fixture, spawnTracked } from './helpers.js';

interface Outcome {
  importError?: string;
  result?: unknown;
  code?: string;
  message?: string;
}

/** Runs fixtures/fd-env.mjs with the given variables (stdout and stderr are pipes). */
async function run(call: string, env: Record<string, string>, extra?: string): Promise<{ outcome: Outcome; stdout: string }> {
  const base = { ...process.env };
  delete base.PLH_TEST_READY_FD;
  delete base.PLH_TEST_RELEASE_FD;
  const args = [fixture('fd-env.mjs'), call, ...(extra ? [extra] : [])];
  const child = spawnTracked(process.execPath, args, ['ignore', 'pipe', 'pipe'], { ...base, ...env });
  const stdout = collectStdout(child);
  child.stderr?.resume();
  expect(await closed(child)).toBe(0);
  const text = stdout();
  return { outcome: JSON.parse(text.split('\n').find((line) => line.startsWith('{')) ?? '{}') as Outcome, stdout: text };
}

describe('signal variables: import never throws, the call reports', () => {
  it.each(['', ' ', 'three', '0', '1', '2', '987'])('importing with both variables set to %j succeeds', async (value) => {
    const { outcome } = await run('none', { PLH_TEST_READY_FD: value, PLH_TEST_RELEASE_FD: value });
    expect(outcome).toEqual({ result: 'imported' });
  });

  it('an empty PLH_TEST_READY_FD means unset: signalTestReady returns false, checkpoints too', async () => {
    expect((await run('ready', { PLH_TEST_READY_FD: '' })).outcome).toEqual({ result: false });
    expect((await run('ready', { PLH_TEST_READY_FD: '  ' })).outcome).toEqual({ result: false });
    expect((await run('checkpoint', { PLH_TEST_READY_FD: '' })).outcome).toEqual({ result: false });
  });

  it('an empty PLH_TEST_RELEASE_FD means unset: waitForRelease resolves at once', async () => {
    expect((await run('release', { PLH_TEST_RELEASE_FD: '' })).outcome).toEqual({ result: 'released' });
  });

  it.each([
    ['0', 'stdin'],
    ['1', 'stdout'],
    ['2', 'stderr'],
  ])('PLH_TEST_READY_FD=%s (%s) is refused; stdout carries no signal and keeps working', async (fd, name) => {
    const { outcome, stdout } = await run('ready', { PLH_TEST_READY_FD: fd });
    expect(outcome.code).toBe('ERR_READY_BAD_FD');
    expect(outcome.message).toContain(`names this process's ${name}`);
    expect(outcome.message).toContain('fd 3 or above');
    expect(stdout).not.toContain('@ready');
    expect(stdout).toContain('later output still arrives');
  });

  it('PLH_TEST_RELEASE_FD=1 is refused by waitForRelease', async () => {
    const { outcome } = await run('release', { PLH_TEST_RELEASE_FD: '1' });
    expect(outcome).toMatchObject({ code: 'ERR_READY_BAD_FD', message: expect.stringContaining("names this process's stdout") });
  });

  it('a stale value naming one of Node\'s own fds reads well', async () => {
    const { outcome } = await run('ready', {}, 'own-fd');
    expect(outcome.code).toBe('ERR_READY_BAD_FD');
    expect(outcome.message).toMatch(/fd \d+ is anon_inode:\[\w+\], one of this process's own descriptors/);
    expect(outcome.message).not.toContain('not a pipe, not a pipe');
    expect(outcome.message).toContain('unset PLH_TEST_READY_FD to run without a parent');
  });

  it('a closed fd says the variable is probably stale', async () => {
    const { outcome } = await run('ready', { PLH_TEST_READY_FD: '987' });
    expect(outcome).toMatchObject({ code: 'ERR_READY_BAD_FD', message: expect.stringContaining('probably stale') });
  });
});
