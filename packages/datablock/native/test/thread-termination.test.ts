// A worker thread terminated while its futexWaitAsync is pending: the wait's completion runs in an
// environment that can no longer run JavaScript, and must neither settle the promise there nor
// abort the process (node-addon-api's default completion turned the failed napi call into a fatal
// error: "Error::ThrowAsJavaScriptException napi_throw", the whole process aborted). The wait is
// bounded (300 ms): Node's terminate() waits for a running threadpool task, so an unbounded wait
// would hold terminate() until the word changes.
import { describe, expect, it } from 'vitest';
import { BOUND_MS, bindingPath, createMapped, runChild } from './helpers';

describe('futexWaitAsync in a terminated worker thread', () => {
  it('does not abort the process; the other threads go on', async () => {
    const { name } = createMapped(4096);
    const child = runChild(
      `const { Worker } = require('node:worker_threads');
const code = \`
const native = require(\${JSON.stringify(${JSON.stringify(bindingPath)})});
const { parentPort, workerData } = require('node:worker_threads');
const fd = native.shmOpen(workerData, true);
const map = new native.Mapping(fd, 4096, true);
native.fdClose(fd);
map.futexWaitAsync(128, 0, 300).then(() => {}, () => {});
parentPort.postMessage('waiting');
\`;
(async () => {
  for (let i = 0; i < 10; i++) {
    const w = new Worker(code, { eval: true, workerData: argv[0] });
    await new Promise((resolve) => w.once('message', resolve));
    await w.terminate();
  }
  say('survived');
})();`,
      [name],
    );
    const line = await child.nextLine(BOUND_MS * 3);
    const { code, signal, stderr } = await child.exited;
    expect(stderr).not.toMatch(/FATAL ERROR/);
    expect({ line, code, signal }).toEqual({ line: 'survived', code: 0, signal: null });
  });
});
