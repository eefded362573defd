import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../scenario.js';

export const slowInitChildIsAwaited: Scenario = {
  name: 'signals.SlowInitChildIsAwaited',
  description: 'the parent proceeds only after a child with a slow init signalled ready',
  processes: 2,
  async run(ctx) {
    const marker = join(ctx.tempDir, 'init-marker');
    const child = ctx.spawnWorker('signals.slowInit', [marker]);
    const { payload } = await child.waitForReady({ timeoutMs: ctx.waitMs });
    // Event: ready observed. The child's init must be complete at this point.
    assert.equal(payload, marker, 'the ready payload carries the marker path');
    assert.ok(existsSync(marker), 'ready arrived before the child finished its init');
    assert.match(readFileSync(marker, 'utf8'), /^init-done /);
    await child.expectOk();
  },
};

export const childDiesBeforeReady: Scenario = {
  name: 'signals.ChildDiesBeforeReady',
  description: 'a child that exits before ready fails the wait at once, with exit code and stderr',
  processes: 2,
  async run(ctx) {
    const child = ctx.spawnWorker('signals.dieBeforeReady');
    const error = await child.waitForReady({ timeoutMs: ctx.waitMs }).then(
      () => assert.fail('waitForReady resolved for a child that never signalled'),
      (err: unknown) => err as Error & { code?: string },
    );
    assert.equal(error.code, 'ERR_WORKER_EXITED_BEFORE_READY');
    assert.match(error.message, /\b3\b/, 'the message names the exit code');
    assert.match(error.message, /configuration file missing/, 'the message carries the stderr tail');
    const exit = await child.waitForExit({ timeoutMs: ctx.waitMs });
    assert.equal(exit.exitCode, 3);
    assert.equal(exit.timedOut, false);
  },
};

export const checkpointRelayAcrossThreeProcesses: Scenario = {
  name: 'signals.CheckpointRelayAcrossThreeProcesses',
  description: 'three children, all ready at once, act strictly in the order the parent releases them',
  processes: 4,
  async run(ctx) {
    const log = join(ctx.tempDir, 'relay.log');
    writeFileSync(log, '');
    // Released in the reverse of spawn order, so spawn order cannot explain the result.
    const names = ['C', 'B', 'A'];
    const children = names.map((name) => ({
      name,
      worker: ctx.spawnWorker('signals.relayStep', [log, name], { release: true }),
    }));
    await Promise.all(children.map(({ worker }) => worker.waitForReady({ timeoutMs: ctx.waitMs })));
    ctx.record('all-ready');
    for (const { name, worker } of [...children].reverse()) {
      worker.release();
      await worker.waitForCheckpoint('appended', { timeoutMs: ctx.waitMs });
      ctx.record(`appended:${name}`);
    }
    await Promise.all(children.map(({ worker }) => worker.expectOk()));
    assert.equal(readFileSync(log, 'utf8'), 'A\nB\nC\n', 'children acted out of release order');
    assert.deepEqual(ctx.events, ['all-ready', 'appended:A', 'appended:B', 'appended:C']);
  },
};

const PYTHON_CHILD = `
import os, sys
marker = sys.argv[1]
with open(marker, "w") as f:
    f.write("python-init-done\\n")
fd = int(os.environ["PLH_TEST_READY_FD"])
os.write(fd, b"\\x00")
os.close(fd)
`;

export const pythonChildSignalsReady: Scenario = {
  name: 'signals.PythonChildSignalsReady',
  description: 'a Python child writes one 0x00 byte to PLH_TEST_READY_FD and the parent sees ready',
  processes: 2,
  async run(ctx) {
    const marker = join(ctx.tempDir, 'python-marker');
    const child = ctx.spawnProcess('python3', ['-c', PYTHON_CHILD, marker]);
    await child.waitForReady({ timeoutMs: ctx.waitMs });
    assert.equal(readFileSync(marker, 'utf8'), 'python-init-done\n');
    await child.expectOk();
  },
};

export const shellChildSignalsReady: Scenario = {
  name: 'signals.ShellChildSignalsReady',
  description: 'a POSIX shell child signals with printf x >&"$PLH_TEST_READY_FD"',
  processes: 2,
  async run(ctx) {
    const marker = join(ctx.tempDir, 'shell-marker');
    const script = 'echo shell-init-done > "$1" && printf x >&"$PLH_TEST_READY_FD"';
    const child = ctx.spawnProcess('sh', ['-c', script, 'sh', marker]);
    await child.waitForReady({ timeoutMs: ctx.waitMs });
    assert.equal(readFileSync(marker, 'utf8'), 'shell-init-done\n');
    await child.expectOk();
  },
};

export const signalScenarios: readonly Scenario[] = [
  slowInitChildIsAwaited,
  childDiesBeforeReady,
  checkpointRelayAcrossThreeProcesses,
  pythonChildSignalsReady,
  shellChildSignalsReady,
];
