// NotifySocket against real senders: Python's socket module, systemd-notify (Debian's systemd
// package; it passes an fd with BARRIER=1 and waits for it to be closed) and child Node processes.
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOUND_MS, native, runChild } from './helpers';

type Message = { pid: number; uid: number; text: string };
type Socket = InstanceType<typeof native.NotifySocket>;

const dirs: string[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempPath(name = 'notify.sock'): string {
  const dir = mkdtempSync(join(tmpdir(), 'plh-notify-'));
  dirs.push(dir);
  return join(dir, name);
}

/** A socket whose messages queue up; next() resolves with the next one (bounded by a timeout). */
function listen(path = tempPath()) {
  const queue: Message[] = [];
  const waiters: Array<() => void> = [];
  const socket = new native.NotifySocket(path, (m) => {
    queue.push(m);
    for (const w of waiters.splice(0)) w();
  });
  sockets.push(socket);
  const next = (timeoutMs = BOUND_MS) =>
    new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no notify message within ${timeoutMs} ms`)), timeoutMs);
      const check = () => {
        if (queue.length > 0) {
          clearTimeout(timer);
          resolve(queue.shift()!);
        } else waiters.push(check);
      };
      check();
    });
  return { socket, path, next, queue };
}

/** A real program the test needs: in CI its absence fails the test; elsewhere the test is skipped, naming it. */
function have(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) return true; // run anyway: the spawn fails the test
    console.warn(`skipped: ${program} is not installed`);
    return false;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stderr }));
  });
  return { proc, exited };
}

const pySend = `
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for text in sys.argv[2:]:
    s.sendto(text.encode(), sys.argv[1])
`;

describe('NotifySocket', () => {
  it.runIf(have('python3'))('receives datagrams with the sender pid and uid (Python sender)', async () => {
    const { socket, path, next } = listen();
    expect(socket.path).toBe(path);
    const py = run('python3', ['-c', pySend, path, 'READY=1\nSTATUS=up', 'MAINPID=42']);
    const first = await next();
    expect(first).toEqual({ pid: py.proc.pid, uid: process.getuid!(), text: 'READY=1\nSTATUS=up' });
    expect((await next()).text).toBe('MAINPID=42');
    expect((await py.exited).code).toBe(0);
  });

  it.runIf(have('systemd-notify'))('systemd-notify --ready: READY=1 arrives and its barrier fd is closed so it exits', async () => {
    const { path, next } = listen();
    const sender = run('systemd-notify', ['--ready', '--status=warming'], { NOTIFY_SOCKET: path });
    const texts: string[] = [];
    for (;;) {
      const m = await next();
      expect(m.uid).toBe(process.getuid!());
      expect(m.pid).toBeGreaterThan(0);
      texts.push(m.text);
      if (m.text.includes('BARRIER=1')) break;
    }
    expect(texts[0]).toContain('READY=1');
    expect(texts[0]).toContain('STATUS=warming');
    // systemd-notify waits until every copy of the barrier fd is closed: exit 0 proves we closed ours.
    const { code, stderr } = await sender.exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it.runIf(have('python3'))('closes every passed fd, including many in one message, and keeps receiving', async () => {
    const { path, next } = listen();
    const script = `
import os, socket, sys, array
r, w = os.pipe()
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
fds = array.array('i', [w] * 200)
s.sendmsg([b'FDS=200'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)], 0, sys.argv[1])
os.close(w)
# EOF on the pipe only when the receiver closed all 200 copies of the write end
print(len(os.read(r, 1)), flush=True)
s.sendto(b'AFTER=1', sys.argv[1])
`;
    const py = spawn('python3', ['-c', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    py.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    expect((await next()).text).toBe('FDS=200');
    expect((await next()).text).toBe('AFTER=1');
    await new Promise((r) => py.on('close', r));
    expect(out.trim()).toBe('0');
  });

  it.runIf(have('python3'))('drops a datagram over 64 KiB and delivers the next one; keeps the order of a burst', async () => {
    const { path, next, queue } = listen();
    const big = 'x'.repeat(70_000);
    const burst = Array.from({ length: 50 }, (_, i) => `N=${i}`);
    const py = run('python3', ['-c', pySend, path, big, ...burst]);
    for (const text of burst) expect((await next()).text).toBe(text);
    expect((await py.exited).code).toBe(0);
    expect(queue).toEqual([]);
  });

  it('close() stops delivery, unlinks the path, and is idempotent; close() inside the callback', async () => {
    const path = tempPath();
    const seen: string[] = [];
    const socket = new native.NotifySocket(path, (m) => {
      seen.push(m.text);
      socket.close();
    });
    expect(existsSync(path)).toBe(true);
    // Both datagrams are queued before the event loop looks at the socket (execFileSync blocks it).
    execFileSync('python3', ['-c', pySend, path, 'ONE', 'TWO']);
    // ONE closes the socket from inside the callback; TWO, already queued, is never delivered.
    await new Promise<void>((resolve) => {
      const poll = () => (seen.length > 0 ? resolve() : setImmediate(poll));
      poll();
    });
    expect(seen).toEqual(['ONE']);
    expect(existsSync(path)).toBe(false);
    socket.close();
    socket.close();
    expect(socket.path).toBe(path);
  });

  it('keeps the process alive while open (ref) and lets it exit when unref()ed', async () => {
    const path = tempPath();
    const held = runChild(`
const s = new native.NotifySocket(argv[0], (m) => { say('got ' + m.text); s.close(); });
say('bound');
`, [path]);
    expect(await held.nextLine()).toBe('bound');
    // Had the socket not kept the loop alive, the child would have exited before this message.
    execFileSync('python3', ['-c', pySend, path, 'PING=1']);
    expect(await held.nextLine()).toBe('got PING=1');
    expect((await held.exited).code).toBe(0);

    const loosePath = tempPath();
    const loose = runChild(`
const s = new native.NotifySocket(argv[0], () => {});
s.unref(); s.ref(); s.unref();
say('bound ' + require('node:fs').existsSync(argv[0]));
`, [loosePath]);
    expect(await loose.nextLine()).toBe('bound true');
    // The process exits on its own, and its environment cleanup closes and unlinks the socket.
    expect((await loose.exited).code).toBe(0);
    expect(existsSync(loosePath)).toBe(false);
  });

  it('a throwing callback is an uncaught exception of the program', async () => {
    const path = tempPath();
    const child = runChild(`
new native.NotifySocket(argv[0], (m) => { throw new Error('boom on ' + m.text); });
say('bound');
`, [path]);
    expect(await child.nextLine()).toBe('bound');
    execFileSync('python3', ['-c', pySend, path, 'READY=1']);
    const { code, stderr } = await child.exited;
    expect(code).toBe(1);
    expect(stderr).toContain('boom on READY=1');
  });

  it('bad paths and arguments throw typed errors saying what to do', () => {
    const long = join(tempPath('d'), 'x'.repeat(120));
    expect(() => new native.NotifySocket(long, () => {})).toThrow(
      expect.objectContaining({ code: 'ENAMETOOLONG', syscall: 'bind', message: expect.stringContaining('at most 107') }),
    );
    const taken = tempPath('taken');
    writeFileSync(taken, '');
    expect(() => new native.NotifySocket(taken, () => {})).toThrow(
      expect.objectContaining({ code: 'EADDRINUSE', message: expect.stringContaining('already exists') }),
    );
    expect(existsSync(taken)).toBe(true); // never unlinks what it did not create
    expect(() => new native.NotifySocket(join(tempPath('missing'), 'x.sock'), () => {})).toThrow(
      expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining('directory does not exist') }),
    );
    expect(() => new native.NotifySocket('', () => {})).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => new native.NotifySocket('@abstract', () => {})).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => new native.NotifySocket('a\0b', () => {})).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => new (native.NotifySocket as any)(42, () => {})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => new (native.NotifySocket as any)(tempPath(), 'nope')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});
