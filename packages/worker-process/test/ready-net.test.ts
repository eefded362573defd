import { createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { Ready, spawnProcess } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { have } from './programs.js';

// Upper bounds only (a wait ends on the event, never on the bound): python3 through pyenv's shim
// takes seconds to start on a loaded 2-core machine, so the library's 10 s default is too tight here.
const SLOW = { timeoutMs: 45_000 };
vi.setConfig({ testTimeout: 90_000 });

cleanupWorkersAfterEach();

const PY = have('python3');

async function get(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe.runIf(PY)('Ready.listening and Ready.http against python3 -m http.server', () => {
  it('listening: block-buffered stdout (no -u) does not matter; payload is the port it chose', async () => {
    // PYTHONUNBUFFERED removed: stdout to a pipe is block-buffered, as for most programs.
    const server = spawnProcess('python3', ['-m', 'http.server', '0', '--bind', '127.0.0.1'], { ready: Ready.listening(), env: { PYTHONUNBUFFERED: undefined } });
    const ready = await server.waitForReady(SLOW);
    expect(ready.by).toBe('listening');
    expect(ready.payload).toMatch(/^\d+$/);
    expect(ready.listening).toEqual([{ address: '127.0.0.1', family: 4, port: Number(ready.payload), pid: server.pid }]);
    expect(server.stdout).toBe(''); // the "Serving HTTP" line is still in python's buffer
    expect(await get(`http://127.0.0.1:${ready.payload}/`)).toBe(200);
  });

  it('http: a path is resolved against the listening address; resolves on 200', async () => {
    const server = spawnProcess('python3', ['-m', 'http.server', '0'], { ready: Ready.http('/') });
    const ready = await server.waitForReady(SLOW);
    expect(ready).toMatchObject({ by: 'http', payload: '200', status: 200 });
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/); // 0.0.0.0 → loopback
  });

  it('log: with -u the line is seen; its capture group is the payload and matches the listening port', async () => {
    const server = spawnProcess('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1'], {
      ready: Ready.all(Ready.log(/port (\d+)/, { stream: 'stdout' }), Ready.listening()),
    });
    const ready = await server.waitForReady(SLOW);
    expect(ready.by).toBe('all');
    const [log, listening] = ready.results as Array<{ payload: string }>;
    expect(log!.payload).toBe(listening!.payload);
  });

  it('a server listening only on ::1 is found as IPv6, and http talks to [::1]', async () => {
    const server = spawnProcess('python3', ['-m', 'http.server', '0', '--bind', '::1'], {
      ready: Ready.sequence(Ready.listening({ family: 6 }), Ready.http('/', { status: 200 })),
    });
    const ready = await server.waitForReady(SLOW);
    const [listening, http] = ready.results as Array<Record<string, unknown>>;
    expect(listening!.listening).toEqual([expect.objectContaining({ address: '::1', family: 6 })]);
    expect(http!.url).toBe(`http://[::1]:${listening!.port}/`);
  });

  it('a port held by another process (here the test itself) is not mistaken for the child: the timeout reports what was seen', async () => {
    const decoy = createServer();
    await new Promise<void>((resolve) => decoy.listen(0, '127.0.0.1', resolve));
    const port = (decoy.address() as { port: number }).port;
    try {
      const child = spawnProcess('python3', ['-c', 'import sys; sys.stdin.read() if False else __import__("time").sleep(60)'], { ready: Ready.listening({ port }) });
      const error = await child.waitForReady({ timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_WORKER_READY_TIMEOUT' });
      expect((error as Error).message).toContain(`listening: no TCP LISTEN socket in the process tree, waiting for port ${port}`);
      expect((error as Error).message).toContain('(stdout was empty)');
    } finally {
      decoy.close();
    }
  });

  it('any: `by` names the member that resolved', async () => {
    const server = spawnProcess('python3', ['-m', 'http.server', '0'], { ready: Ready.any(Ready.log('never printed'), Ready.listening()) });
    expect(await server.waitForReady(SLOW)).toMatchObject({ by: 'listening' });
  });
});

describe.runIf(PY)('failure modes', () => {
  it('dies early: rejects at once with the exit code and the stderr tail, long before the timeout', async () => {
    const started = Date.now();
    const server = spawnProcess('python3', ['-m', 'http.server', 'not-a-port'], { ready: Ready.listening(), readyTimeoutMs: 120_000 });
    const error = await server.waitForReady(SLOW).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(60_000); // the death, not the 120 s bound, ended the wait
    expect(error).toMatchObject({ code: 'ERR_WORKER_EXITED_BEFORE_READY', exitCode: 2 });
    expect((error as Error).message).toContain('exited with code 2 before it was ready');
    expect((error as Error).message).toContain('invalid int value');
    expect((error as Error).message).toContain('listening: no TCP LISTEN socket in the process tree');
  });

  it('wrong HTTP status: the timeout report has the last status and body excerpt', async () => {
    const server = spawnProcess('python3', ['-m', 'http.server', '0'], { ready: Ready.http('/missing') });
    const error = await server.waitForReady({ timeoutMs: 12_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_READY_TIMEOUT' });
    expect((error as Error).message).toMatch(/http: GET http:\/\/127\.0\.0\.1:\d+\/missing: last answer 404, body ".*Error code: 404/);
  });

  it('never ready: the report says what the log strategy scanned and shows the output tails', async () => {
    const server = spawnProcess('python3', ['-u', '-m', 'http.server', '0'], { ready: Ready.all(Ready.listening(), Ready.log('never printed')) });
    const error = await server.waitForReady({ timeoutMs: 12_000 }).catch((e: unknown) => e);
    const message = (error as Error).message;
    expect(error).toMatchObject({ code: 'ERR_WORKER_READY_TIMEOUT' });
    expect(message).toMatch(/listening: the tree listens on 0\.0\.0\.0:\d+/);
    expect(message).toMatch(/log: 0 of 1 matching line\(s\) in \d+ line\(s\)/);
    expect(message).toContain('--- last lines of stdout ---\nServing HTTP on');
  });

  it('aborted: rejects with ERR_WORKER_ABORTED', async () => {
    const controller = new AbortController();
    const server = spawnProcess('python3', ['-m', 'http.server', '0'], { ready: Ready.log('never printed') });
    const wait = server.waitForReady({ signal: controller.signal });
    controller.abort();
    await expect(wait).rejects.toMatchObject({ code: 'ERR_WORKER_ABORTED' });
  });
});
