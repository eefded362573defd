import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Ready, renderTimeline, spawnProcess } from '../src/index.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { freePort, have } from './programs.js';

// Upper bounds only (a wait ends on the event, never on the bound): python3 through pyenv's shim
// takes seconds to start on a loaded 2-core machine, so the library's 10 s default is too tight here.
const SLOW = { timeoutMs: 45_000 };
vi.setConfig({ testTimeout: 90_000 });

cleanupWorkersAfterEach();

const dir = mkdtempSync(join(tmpdir(), 'plh-ready-daemons-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** redis-server with no persistence, files in our scratch directory. */
function redisArgs(...extra: string[]): string[] {
  return ['--save', '', '--appendonly', 'no', '--dir', dir, ...extra];
}

describe.runIf(have('redis-server'))('redis-server', () => {
  it('Ready.log: its "Ready to accept connections" line', async () => {
    const port = await freePort();
    const redis = spawnProcess('redis-server', redisArgs('--port', String(port)), { ready: Ready.log(/Ready to accept connections/) });
    const ready = await redis.waitForReady(SLOW);
    expect(ready).toMatchObject({ by: 'log', stream: 'stdout' });
    expect(ready.payload).toMatch(/\* Ready to accept connections$/); // no capture group: the line
  });

  it('Ready.listening({ port }): the port it was told', async () => {
    const port = await freePort();
    const redis = spawnProcess('redis-server', redisArgs('--port', String(port), '--bind', '127.0.0.1'), { ready: Ready.listening({ port }) });
    expect(await redis.waitForReady(SLOW)).toMatchObject({ by: 'listening', payload: String(port), port });
  });

  it('Ready.sdNotify: --supervised systemd sends STATUS= lines then READY=1; the timeline records them', async () => {
    const redis = spawnProcess('redis-server', redisArgs('--port', '0', '--unixsocket', join(dir, 'notify.sock'), '--supervised', 'systemd'), { ready: Ready.sdNotify() });
    const ready = await redis.waitForReady(SLOW);
    expect(ready.by).toBe('sdNotify');
    expect(ready.status).toMatch(/Ready to accept connections/);
    const observed = redis.timeline.filter((e) => e.type === 'observed' && e.strategy === 'sdNotify').map((e) => (e as { text: string }).text);
    expect(observed.some((t) => t.includes(`pid ${redis.pid}: STATUS=`))).toBe(true);
    expect(observed.some((t) => t.includes('READY=1'))).toBe(true);
    await redis.terminate();
    const text = renderTimeline([redis]);
    expect(text).toMatch(/spawn redis-server/);
    expect(text).toMatch(/sdNotify: pid \d+: .*READY=1/);
    expect(text).toMatch(/ready by sdNotify/);
    expect(text).toMatch(/exited with code 0|killed by SIGTERM/);
    const mermaid = renderTimeline([redis], { format: 'mermaid' });
    expect(mermaid.split('\n').slice(0, 3)).toEqual(['sequenceDiagram', '  participant T as test', `  participant P0 as redis-server (pid ${redis.pid})`]);
    expect(mermaid).toMatch(/P0-->>T: ready by sdNotify/);
  });

  it('Ready.socket and Ready.command: a Unix socket that accepts, then redis-cli ping', async () => {
    const path = join(dir, 'redis.sock');
    const redis = spawnProcess('redis-server', redisArgs('--port', '0', '--unixsocket', path), {
      ready: Ready.sequence(Ready.socket(path), Ready.command('redis-cli', ['-s', path, 'ping'])),
    });
    const ready = await redis.waitForReady(SLOW);
    expect(ready.by).toBe('sequence');
    expect(ready.results).toEqual([
      expect.objectContaining({ by: 'socket', path }),
      expect.objectContaining({ by: 'command', payload: 'PONG' }),
    ]);
  });

  it('ERRNO= before READY=1 fails the wait at once', async () => {
    // systemd-notify is a real sender too; the shell forwards NOTIFY_SOCKET to it.
    const child = spawnProcess('sh', ['-c', 'systemd-notify STATUS=starting; systemd-notify ERRNO=98; exec sleep 60'], { ready: Ready.sdNotify(), readyTimeoutMs: 60_000 });
    const error = await child.waitForReady(SLOW).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_READY_FAILED' });
    expect((error as Error).message).toContain('it sent ERRNO=98 (last STATUS=starting)');
  });
});

describe.runIf(have('Xvfb'))('Xvfb -displayfd', () => {
  it('Ready.fdLine: the display number it wrote is the payload', async () => {
    const xvfb = spawnProcess('sh', ['-c', 'exec Xvfb -displayfd "$PLH_TEST_READY_FD" -nolisten tcp'], { ready: Ready.fdLine() });
    const ready = await xvfb.waitForReady(SLOW);
    expect(ready.by).toBe('fdLine');
    expect(ready.payload).toMatch(/^\d+$/);
    expect(existsSync(`/tmp/.X11-unix/X${ready.payload}`)).toBe(true);
  });
});
