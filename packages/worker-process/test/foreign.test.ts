import { describe, expect, it } from 'vitest';
import { spawnProcess } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';

cleanupWorkersAfterEach();

const PYTHON = `
import os, sys
ready = int(os.environ['PLH_TEST_READY_FD'])
os.write(ready, b'x')
os.close(ready)
release = int(os.environ['PLH_TEST_RELEASE_FD'])
assert os.read(release, 1) != b''
print('python released')
`;

describe('spawnProcess with readySignal: true', () => {
  it('a Python child signals ready and waits for release', async () => {
    const child = spawnProcess('python3', ['-c', PYTHON], { readySignal: true });
    expect(child.scenario).toBeUndefined();
    await expect(child.waitForReady()).resolves.toEqual({ by: 'signal' });
    child.release();
    const result = await child.expectOk();
    expect(result.stdout).toBe('python released\n');
  });

  it('a shell child signals ready and waits for release', async () => {
    const script = 'printf x >&"$PLH_TEST_READY_FD"; head -c1 <&"$PLH_TEST_RELEASE_FD" >/dev/null; echo shell released';
    const child = spawnProcess('sh', ['-c', script], { readySignal: true });
    await child.waitForReady();
    child.release();
    expect((await child.expectOk()).stdout).toBe('shell released\n');
  });

  it('a shell child that fails before ready rejects at once with its code and stderr', async () => {
    const child = spawnProcess('sh', ['-c', 'echo "cannot bind port" >&2; exit 4'], { readySignal: true, readyTimeoutMs: 20_000 });
    const error = await child.waitForReady().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_EXITED_BEFORE_READY', exitCode: 4 });
    expect((error as Error).message).toContain('exited with code 4');
    expect((error as Error).message).toContain('cannot bind port');
  });

  it('without readySignal there are no ready fds in the environment', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    const child = spawnProcess('sh', ['-c', 'echo "ready=${PLH_TEST_READY_FD-unset} lifeline=$PLH_PARENT_LIFELINE_FD"'], {
      env: { PLH_TEST_READY_FD: '9' }, // a stale value inherited from elsewhere is removed
    });
    expect((await child.expectOk()).stdout).toBe('ready=unset lifeline=3\n');
  });
});
