// No orphans for foreign programs: the program and everything it forks die with the parent (also
// by SIGKILL), terminate() ends the whole tree, and the wrapper that does it is invisible.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawnProcess, spawnWorkerWithReadySignal } from '../src/index.js';
import { sessionPids } from '../src/proc/session.js';
import { treePids } from '../src/proc/tree.js';
import { cleanupWorkersAfterEach } from '../src/vitest.js';
import { forceKill, isAlive, WORKER } from './helpers.js';
import { have } from './programs.js';

cleanupWorkersAfterEach();

const nginx = have('nginx');
const dir = mkdtempSync(join(tmpdir(), 'plh-orphans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Anything a test found and must not leave behind, even when it fails.
let stray: number[] = [];
afterEach(() => {
  for (const pid of stray) forceKill(pid);
  stray = [];
});

/** Polls /proc until none of `pids` is alive (zombies count as gone); the bound turns a hang into a failure. */
async function survivorsAfter(pids: readonly number[], boundMs: number): Promise<number[]> {
  const end = Date.now() + boundMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Runs `file args` under an intermediate parent, waits until it wrote `marker` `count` times, SIGKILLs the parent. */
async function killParentOf(marker: string, count: number, file: string, args: string[]) {
  const parent = spawnWorkerWithReadySignal(WORKER, 'orphan.program', [marker, String(count), file, ...args]);
  const program = Number((await parent.waitForReady({ timeoutMs: 20_000 })).payload);
  // The program's tree, as seen while the parent lives (its session holds the watcher too).
  const tree = [...new Set([...treePids(program), ...sessionPids(program)])];
  stray = tree;
  parent.kill('SIGKILL');
  expect(await parent.waitForExit()).toMatchObject({ signal: 'SIGKILL' });
  return { program, tree };
}

describe('a parent SIGKILLed while it runs a forking foreign program', () => {
  it.skipIf(!nginx)('nginx: the master, its workers and the watcher are gone within 5 s', async () => {
    const prefix = join(dir, 'nginx');
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'nginx.conf'), [
      'daemon off;', 'master_process on;', 'worker_processes 2;', `pid ${prefix}/nginx.pid;`, 'error_log stderr notice;',
      'events { worker_connections 16; }',
      `http { access_log off; client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fcgi; uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;`,
      `  server { listen unix:${prefix}/nginx.sock; return 204; } }`,
    ].join('\n'));
    const { program, tree } = await killParentOf('start worker process', 2, 'nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr']);
    // master + 2 workers + the watcher
    expect(tree.length).toBeGreaterThanOrEqual(4);
    expect(tree).toContain(program);
    expect(await survivorsAfter(tree, 5_000)).toEqual([]);
  });

  it('sh with two background sleeps: all gone within 5 s', async () => {
    const { tree } = await killParentOf('started', 1, 'sh', ['-c', 'sleep 1000 & sleep 1000 & echo started; wait']);
    expect(tree.length).toBeGreaterThanOrEqual(4); // sh, two sleeps, the watcher
    expect(await survivorsAfter(tree, 5_000)).toEqual([]);
  });
});

describe('terminate() ends the whole tree', () => {
  it('children that ignore SIGTERM are SIGKILLed with the program', async () => {
    const program = spawnProcess('sh', ['-c', 'trap "" TERM; sleep 1000 & sleep 1000 & echo "$!"; wait']);
    await new Promise<void>((resolve) => program.child.stdout!.once('data', () => resolve()));
    const children = treePids(program.pid).filter((pid) => pid !== program.pid);
    stray = children;
    expect(children.length).toBe(2);
    const result = await program.terminate({ graceMs: 200 });
    expect(result).toMatchObject({ forcedKill: true, signal: 'SIGKILL' });
    expect(children.filter(isAlive)).toEqual([]);
  });

  it('a child left behind by an exited intermediate (same session) gets SIGTERM too', async () => {
    // The intermediate sh exits at once: the sleep is reparented, no longer in the tree by parent pid.
    const program = spawnProcess('sh', ['-c', 'sh -c "sleep 1000 & echo \\$!"; exec sleep 1000']);
    const orphan = Number(await new Promise<string>((resolve) => program.child.stdout!.once('data', (d) => resolve(String(d)))));
    stray = [orphan];
    expect(isAlive(orphan)).toBe(true);
    const result = await program.terminate({ graceMs: 2_000 });
    expect(result).toMatchObject({ forcedKill: false, signal: 'SIGTERM' });
    expect(isAlive(orphan)).toBe(false);
  });
});

describe('the wrapper is invisible and leaves nothing behind', () => {
  it('the program keeps the pid, exit code and stdio; no process of its session is left after waitForExit', async () => {
    const program = spawnProcess('sh', ['-c', 'echo "$$"; echo err >&2; exit 7']);
    const result = await program.waitForExit();
    expect(result).toMatchObject({ exitCode: 7, stdout: `${program.pid}\n`, stderr: 'err\n' });
    expect(sessionPids(program.pid)).toEqual([]);
  });

  it('a child that outlives the program is killed when the program exits', async () => {
    const program = spawnProcess('sh', ['-c', 'sleep 1000 >/dev/null 2>&1 & echo "$!"']);
    const result = await program.waitForExit();
    const child = Number(result.stdout);
    stray = [child];
    expect(result.exitCode).toBe(0);
    expect(isAlive(child)).toBe(false);
    expect(sessionPids(program.pid)).toEqual([]);
  });

  it('PWD and the rest of the environment are what the program would get without the wrapper', async () => {
    const result = await spawnProcess('env', [], { cwd: dir, env: { PLH_PROBE: 'a b' } }).expectOk();
    const env = Object.fromEntries(result.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(env.PWD).toBe(process.env.PWD);
    expect(env.PLH_PROBE).toBe('a b');
    const unset = await spawnProcess('env', [], { env: { PWD: undefined } }).expectOk();
    expect(unset.stdout).not.toMatch(/^PWD=/m);
  });

  it('what escapes (documented): a process that calls setsid() itself outlives the program', async () => {
    const program = spawnProcess('sh', ['-c', 'setsid sleep 1000 >/dev/null 2>&1 & echo "$!"']);
    const result = await program.waitForExit();
    const daemon = Number(result.stdout);
    stray = [daemon];
    expect(isAlive(daemon)).toBe(true);
  });
});
