import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOUND_MS, createMapped, native, runChild, tick } from './helpers';

const { errno } = native;
const W = 128; // futex word offset

/** Threads of this process blocked in a shared FUTEX_WAIT (op 0): /proc/<tid>/syscall is "202 addr 0x0 ...". */
function sharedFutexWaiters(): number {
  let n = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (/^202 0x[0-9a-f]+ 0x0 /.test(readFileSync(`/proc/self/task/${tid}/syscall`, 'utf8'))) n++;
    } catch {
      // thread gone
    }
  }
  return n;
}

/** Calls futexWake until it reports a woken waiter (the waiter is then certainly in the kernel). */
async function wakeWhenWaiting(map: InstanceType<typeof native.Mapping>, offset: number, timeoutMs = BOUND_MS) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const n = map.futexWake(offset, 1);
    if (n > 0) return n;
    if (performance.now() > deadline) throw new Error('no futex waiter appeared');
    await tick();
  }
}

describe('futex', () => {
  it('EAGAIN when the word differs, ETIMEDOUT on timeout, 0 wakes counted', () => {
    const { map } = createMapped(4096);
    const w = new Int32Array(map.buffer(W, 4));
    w[0] = 5;
    expect(map.futexWait(W, 4, 1000)).toBe(errno.EAGAIN);
    expect(map.futexWait(W, 4, 0)).toBe(errno.EAGAIN);
    expect(map.futexWait(W, 5, 0)).toBe(errno.ETIMEDOUT);
    const t0 = performance.now();
    expect(map.futexWait(W, 5, 30)).toBe(errno.ETIMEDOUT);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(map.futexWake(W, 1)).toBe(0);
    expect(map.futexWake(W, Infinity)).toBe(0);
    w[0] = -1;
    expect(map.futexWait(W, 0xffffffff, 0)).toBe(errno.ETIMEDOUT);
    expect(map.futexWait(W, -1, 0)).toBe(errno.ETIMEDOUT);
  });

  it('range-checks futex offsets (inside, aligned to 4) and arguments', () => {
    const { map } = createMapped(4096);
    const range = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(() => map.futexWait(2, 0, 0)).toThrow(range);
    expect(() => map.futexWait(4096, 0, 0)).toThrow(range);
    expect(() => map.futexWake(4094, 1)).toThrow(range);
    expect(() => map.futexWaitAsync(1, 0, 0)).toThrow(range);
    expect(() => map.futexWait(0, 2 ** 32, 0)).toThrow(range);
    expect(() => map.futexWait(0, 0.5, 0)).toThrow(range);
    expect(() => map.futexWake(0, -1)).toThrow(range);
    expect(() => (map as any).futexWait(0, '0', 0)).toThrow(TypeError);
    expect(map.futexWait(4092, 0, 0)).toBe(errno.ETIMEDOUT);
  });

  it('a waiter in another process is woken by futexWake', async () => {
    const { name, map } = createMapped(4096);
    const child = runChild(
      `const fd = native.shmOpen(argv[0], true);
       const m = new native.Mapping(fd, 4096, true);
       say('waiting');
       say('rc ' + m.futexWait(${W}, 0, 10000));`,
      [name],
    );
    expect(await child.nextLine()).toBe('waiting');
    expect(await wakeWhenWaiting(map, W)).toBe(1);
    expect(await child.nextLine()).toBe('rc 0');
    expect((await child.exited).code).toBe(0);
  });

  it('change the word, then wake: the other process sees the new value', async () => {
    const { name, map } = createMapped(4096);
    const child = runChild(
      `const fd = native.shmOpen(argv[0], true);
       const m = new native.Mapping(fd, 4096, true);
       const w = new Int32Array(m.buffer(${W}, 4));
       say('waiting');
       while (Atomics.load(w, 0) === 0) {
         const rc = m.futexWait(${W}, 0, 10000);
         if (rc === native.errno.ETIMEDOUT) { say('timeout'); process.exit(1); }
       }
       say('value ' + Atomics.load(w, 0));`,
      [name],
    );
    expect(await child.nextLine()).toBe('waiting');
    Atomics.store(new Int32Array(map.buffer(W, 4)), 0, 77);
    map.futexWake(W, Infinity);
    expect(await child.nextLine()).toBe('value 77');
    expect((await child.exited).code).toBe(0);
  });

  it('futexWaitAsync does not block the event loop', async () => {
    const { map } = createMapped(4096);
    expect(await map.futexWaitAsync(W, 0, 30)).toBe(errno.ETIMEDOUT);
    const pending = map.futexWaitAsync(W, 0, -1);
    let settled = false;
    void pending.then(() => (settled = true));
    // Timers keep firing while the wait is pending (a blocked loop would hang here until the test timeout).
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(settled).toBe(false);
    expect(await wakeWhenWaiting(map, W)).toBe(1);
    expect(await pending).toBe(0);
    expect(await map.futexWaitAsync(W, 1, -1)).toBe(errno.EAGAIN);
  });

  it('futexWaitAsync is woken by futexWake (also from another process)', async () => {
    const { name, map } = createMapped(4096);
    const pending = map.futexWaitAsync(W, 0, 10_000);
    expect(await wakeWhenWaiting(map, W)).toBe(1);
    expect(await pending).toBe(0);

    const again = map.futexWaitAsync(W, 0, 10_000);
    const child = runChild(
      `const fd = native.shmOpen(argv[0], true);
       const m = new native.Mapping(fd, 4096, true);
       const deadline = Date.now() + 10000;
       let n = 0;
       while ((n = m.futexWake(${W}, 1)) === 0 && Date.now() < deadline) {}
       say('woke ' + n);`,
      [name],
    );
    expect(await child.nextLine()).toBe('woke 1');
    expect(await again).toBe(0);
  });

  it('close() ends pending infinite futexWaitAsync calls with ERR_MAPPING_CLOSED', async () => {
    const { map } = createMapped(4096);
    const waits = [map.futexWaitAsync(W, 0, -1), map.futexWaitAsync(W + 4, 0, Infinity)];
    // Both workers are inside FUTEX_WAIT (seen in /proc) before close: close must wake them.
    const deadline = performance.now() + 10_000;
    while (sharedFutexWaiters() < 2) {
      if (performance.now() > deadline) throw new Error('the async waits never reached the kernel');
      await tick();
    }
    map.close();
    // Both handlers attach at once: the second rejection must not go unhandled while the first is awaited.
    await Promise.all(waits.map((w) => expect(w).rejects.toMatchObject({ code: 'ERR_MAPPING_CLOSED' })));
  });

  it('close() before a queued futexWaitAsync starts rejects it too', async () => {
    const { map } = createMapped(4096);
    const w = map.futexWaitAsync(W, 0, -1);
    map.close();
    await expect(w).rejects.toMatchObject({ code: 'ERR_MAPPING_CLOSED' });
  });
});
