import { describe, expect, it } from 'vitest';
import { fixture, spawnSignalled } from './helpers.js';

/** Children that know nothing of the package: the one-byte protocol of the seed. */
describe('children in other languages and raw one-byte writers', () => {
  it('a Node child writing a single 0x00 byte and closing is ready', async () => {
    const { parent } = spawnSignalled(process.execPath, ['-e', 'const fs = require("fs"); const fd = Number(process.env.PLH_TEST_READY_FD); fs.writeSync(fd, Buffer.from([0])); fs.closeSync(fd)']);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({});
  });

  it('a single byte resolves at once even while the child keeps the fd open and runs on', async () => {
    const { parent } = spawnSignalled(process.execPath, ['-e', 'require("fs").writeSync(Number(process.env.PLH_TEST_READY_FD), Buffer.from([0])); setInterval(() => {}, 1000)']);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({});
  });

  it('a lone "@" byte followed by close is ready too', async () => {
    const { parent } = spawnSignalled('sh', ['-c', 'printf @ >&"$PLH_TEST_READY_FD"']);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({});
  });

  it('a shell child: printf x >&"$PLH_TEST_READY_FD"', async () => {
    const { parent } = spawnSignalled('sh', ['-c', 'printf x >&"$PLH_TEST_READY_FD"']);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({});
  });

  it('an s6-style child writing a lone newline', async () => {
    const { parent } = spawnSignalled('sh', ['-c', 'echo >&"$PLH_TEST_READY_FD"']);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({});
  });

  it('a shell child speaking the line protocol: payload and checkpoints', async () => {
    const script = 'printf "@ready 127.0.0.1:9000\\n" >&"$PLH_TEST_READY_FD"; printf "@checkpoint listening\\n" >&"$PLH_TEST_READY_FD"';
    const { parent } = spawnSignalled('sh', ['-c', script]);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({ payload: '127.0.0.1:9000' });
    await expect(parent.waitForCheckpoint('listening', { timeoutMs: 25_000 })).resolves.toBeUndefined();
  });

  it('a python3 child: os.write(fd, b"x")', async () => {
    const { parent } = spawnSignalled('python3', [fixture('ready.py')]);
    await expect(parent.waitForReady({ timeoutMs: 25_000 })).resolves.toEqual({});
  });

  it('a shell child that exits 3 without writing is gone, with its exit code', async () => {
    const { parent } = spawnSignalled('sh', ['-c', 'echo "no config" >&2; exit 3']);
    await expect(parent.waitForReady({ timeoutMs: 20_000 })).rejects.toMatchObject({
      code: 'ERR_READY_CHILD_GONE',
      exitCode: 3,
      message: expect.stringContaining('no config'),
    });
  });
});
