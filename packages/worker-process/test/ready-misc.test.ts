import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Ready, spawnProcess, spawnWorker, WorkerProcessError } from '../src/index.js';
import { decodeAddress, parseListenTable } from '../src/ready/proc-net.js';
import { parseNotify } from '../src/ready/notify-channel.js';
import { judgeNotify } from '../src/ready/sd-notify.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { WORKER } from './helpers.js';
import { have } from './programs.js';

// Upper bounds only (a wait ends on the event, never on the bound): python3 through pyenv's shim
// takes seconds to start on a loaded 2-core machine, so the library's 10 s default is too tight here.
const SLOW = { timeoutMs: 45_000 };
vi.setConfig({ testTimeout: 90_000 });

cleanupWorkersAfterEach();

const dir = mkdtempSync(join(tmpdir(), 'plh-ready-misc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Ready.file', () => {
  it('resolves when the program creates the file, in a directory that does not exist yet', async () => {
    const path = join(dir, 'made', 'later', 'ready.txt');
    const child = spawnProcess('sh', ['-c', 'mkdir -p "$(dirname "$1")" && echo ok > "$1" && exec sleep 60', 'sh', path], { ready: Ready.file(path) });
    expect(await child.waitForReady(SLOW)).toEqual({ by: 'file', payload: path, path });
  });

  it('a file created before the wait began is found by the first check', async () => {
    const path = join(dir, 'early.txt');
    const child = spawnProcess('sh', ['-c', 'echo ok > "$1"', 'sh', path], { ready: Ready.file(path) });
    await child.expectOk();
    expect(await child.waitForReady(SLOW)).toMatchObject({ by: 'file' });
  });
});

describe('Ready.log', () => {
  it('a line printed (and the program gone) before the wait began is not missed', async () => {
    const child = spawnProcess('sh', ['-c', 'echo "listening on 4711"'], { ready: Ready.log(/listening on (\d+)/) });
    await child.expectOk();
    expect(await child.waitForReady(SLOW)).toMatchObject({ by: 'log', payload: '4711', line: 'listening on 4711' });
  });

  it('nth: the second matching line, on stderr only', async () => {
    const child = spawnProcess('sh', ['-c', 'echo "ready 1" >&2; echo "ready 2"; echo "ready 3" >&2; exec sleep 60'], {
      ready: Ready.log(/ready (\d)/, { stream: 'stderr', nth: 2 }),
    });
    expect(await child.waitForReady(SLOW)).toMatchObject({ payload: '3', stream: 'stderr' });
  });
});

describe('Ready.exit', () => {
  it('a one-shot program is ready when it exits 0', async () => {
    const child = spawnProcess('sh', ['-c', 'echo migrated'], { ready: Ready.exit() });
    expect(await child.waitForReady(SLOW)).toEqual({ by: 'exit', payload: '0', exitCode: 0 });
  });

  it('another exit code fails the wait with ERR_WORKER_READY_FAILED', async () => {
    const child = spawnProcess('sh', ['-c', 'echo "migration failed" >&2; exit 3'], { ready: Ready.exit() });
    const error = await child.waitForReady(SLOW).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_WORKER_READY_FAILED', exitCode: 3 });
    expect((error as Error).message).toContain('exited with code 3 (expected exit code 0)');
    expect((error as Error).message).toContain('migration failed');
  });
});

describe('Ready.command', () => {
  it.runIf(have('python3'))('re-runs a health command until it exits 0', async () => {
    const flag = join(dir, 'healthy');
    const child = spawnProcess('sh', ['-c', 'echo starting; touch "$1"; exec sleep 60', 'sh', flag], {
      ready: Ready.command('python3', ['-c', `import os,sys; sys.exit(0 if os.path.exists(${JSON.stringify(flag)}) else 1)`]),
    });
    expect(await child.waitForReady(SLOW)).toMatchObject({ by: 'command' });
  });

  it('a missing command is a typed error naming it', async () => {
    const child = spawnProcess('sh', ['-c', 'exec sleep 60'], { ready: Ready.command('no-such-health-check-xyz') });
    await expect(child.waitForReady(SLOW)).rejects.toMatchObject({ code: 'ERR_WORKER_INVALID_ARGUMENT', message: expect.stringContaining('no-such-health-check-xyz was not found') });
  });
});

describe('the ready option', () => {
  it('readySignal: true is the short form of Ready.signal() and resolves with by: "signal"', async () => {
    const a = spawnProcess('sh', ['-c', 'printf x >&"$PLH_TEST_READY_FD"'], { readySignal: true });
    const b = spawnProcess('sh', ['-c', 'printf "@ready p\\n" >&"$PLH_TEST_READY_FD"'], { ready: Ready.signal() });
    expect(await a.waitForReady(SLOW)).toEqual({ by: 'signal' });
    expect(await b.waitForReady(SLOW)).toEqual({ by: 'signal', payload: 'p' });
  });

  it('works on Node workers too', async () => {
    const worker = spawnWorker(WORKER, 'basic.ok', ['hello from worker'], { ready: Ready.log('hello from worker') });
    expect(await worker.waitForReady(SLOW)).toMatchObject({ by: 'log' });
  });

  it('bad values are typed errors that say what to pass', () => {
    expect(() => spawnProcess('sh', { ready: 'listening' as never })).toThrow(/must be a strategy from the Ready namespace/);
    expect(() => spawnProcess('sh', { ready: Ready.listening(), readySignal: true })).toThrow(/either readySignal: true or a ready strategy/);
    expect(() => Ready.log(5 as never)).toThrow(WorkerProcessError);
    expect(() => Ready.log('x', { nth: 0 })).toThrow(/nth must be an integer >= 1/);
    expect(() => Ready.listening({ port: 70000 })).toThrow(/port must be an integer from 1 to 65535/);
    expect(() => Ready.http('health')).toThrow(/a path like '\/health'/);
    expect(() => Ready.all()).toThrow(/at least one strategy/);
    expect(() => Ready.any({} as never)).toThrow(/made by a Ready\.\* function/);
  });
});

describe('Ready.sdNotify from the built package', () => {
  // The addon is loaded lazily with createRequire(import.meta.url): both builds must find it.
  it.each([
    ['ESM', ['--input-type=module', '-e', "import { Ready } from '@plh/worker-process'; console.log(Ready.sdNotify().kind)"]],
    ['CJS', ['-e', "console.log(require('@plh/worker-process').Ready.sdNotify().kind)"]],
  ])('%s loads @plh/datablock-native', async (_, args) => {
    const child = spawnProcess(process.execPath, args, { cwd: fileURLToPath(new URL('..', import.meta.url)) });
    expect((await child.expectOk()).stdout).toBe('sdNotify\n');
  });
});

describe('parsers', () => {
  it('decodes /proc/net/tcp addresses', () => {
    expect(decodeAddress('0100007F', 4)).toBe('127.0.0.1');
    expect(decodeAddress('00000000000000000000000001000000', 6)).toBe('::1');
    expect(decodeAddress('00000000000000000000000000000000', 6)).toBe('::');
    expect(decodeAddress('0000000000000000FFFF00000100007F', 6)).toBe('::ffff:127.0.0.1');
    const table = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0\n' +
      '   1: 0100007F:1F91 00000000:0000 01 00000000:00000000 00:00000000 00000000     0        0 4243 1 0 100 0 0 10 0\n';
    expect(parseListenTable(table, 4, new Map([['4242', 7], ['4243', 7]]))).toEqual([{ address: '127.0.0.1', family: 4, port: 8080, pid: 7 }]);
  });

  it('reads sd_notify datagrams: READY=1 after STATUS, ERRNO and STOPPING fail', () => {
    expect(parseNotify('STATUS=a=b\nREADY=1\n\ngarbage\n')).toEqual([['STATUS', 'a=b'], ['READY', '1']]);
    const m = (text: string) => ({ pid: 1, fields: parseNotify(text), hrtime: 0n });
    expect(judgeNotify([m('STATUS=loading'), m('READY=1')])).toEqual({ kind: 'ready', status: 'loading' });
    expect(judgeNotify([m('STATUS=loading')])).toEqual({ kind: 'pending' });
    expect(judgeNotify([m('STOPPING=1')])).toMatchObject({ kind: 'failed' });
    expect(judgeNotify([m('ERRNO=2\nREADY=1')])).toMatchObject({ kind: 'failed', why: 'it sent ERRNO=2' });
  });
});

describe('Ready.log and multi-byte text', () => {
  it('a character split across two output chunks still matches', async () => {
    // printf writes the two bytes of 'é' in two writes (two chunks on the pipe, in order).
    const child = spawnProcess('sh', ['-c', "printf 'caf\\303'; printf '\\251 ouvert\\n'; exec sleep 60"], { ready: Ready.log('café ouvert') });
    expect(await child.waitForReady(SLOW)).toMatchObject({ by: 'log', line: 'café ouvert' });
  });
});
