import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataBlock, DataBlockMutex } from '../src/index.js';
import { runCli } from '../src/inspect/run-cli.js';
import { killChildren, namer, spawnFixture } from './helpers.js';

const names = namer('cli');
afterEach(async () => {
  await killChildren();
  names.cleanup();
});
afterAll(() => expect(names.leftovers()).toEqual([]));

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  return { code, out, err };
}

describe('plh-datablock CLI', () => {
  it('ls lists our segments with kind, size, creator and liveness', () => {
    const b = names.next();
    const m = names.next();
    const block = DataBlock.create(b, { slotCount: 2, slotSize: 64 });
    const mutex = DataBlockMutex.create(m);
    const r = run('ls', '--json', '--prefix', names.prefix);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(list.map((s) => [s.name, s.kind, s.creatorPid, s.creatorAlive, s.valid]).sort()).toEqual([
      [b, 'DataBlock', process.pid, true, true],
      [m, 'DataBlockMutex', process.pid, true, true],
    ]);
    const human = run('ls', '--prefix', names.prefix);
    expect(human.out).toContain(b);
    expect(human.out).toContain(`${process.pid} (alive)`);
    block.close();
    mutex.close();
  });

  it('inspect shows layout, participants and the mutex word (read-only)', () => {
    const name = names.next();
    const block = DataBlock.create(name, { slotCount: 3, slotSize: 10, flexZoneSize: 5 });
    block.mutex.lock();
    const r = run('inspect', name, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.layout).toMatchObject({ slotCount: 3, slotSize: 10, flexZoneSize: 5 });
    expect(report.mutex).toMatchObject({ locked: true, ownerTid: process.pid, ownerAlive: true });
    expect(report.participants).toEqual([expect.objectContaining({ role: 'creator', pid: process.pid, alive: true })]);
    expect(block.mutex.state.locked).toBe(true); // inspect did not touch it
    block.mutex.unlock();
    expect(run('inspect', name).out).toContain('mutex: unlocked');
    const m = names.next();
    const mutex = DataBlockMutex.create(m);
    expect(JSON.parse(run('inspect', m, '--mutex', '--json').out).layout.participantCapacity).toBe(16);
    mutex.close();
    block.close();
  });

  it('inspect of a segment of random bytes reports it invalid (exit 1), of a missing one errors (exit 1)', () => {
    const name = names.next();
    writeFileSync(`/dev/shm/plh.${name}`, Buffer.alloc(4096, 0x5a), { mode: 0o600, flag: 'wx' });
    const r = run('inspect', name, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.code).toBe('ERR_DATABLOCK_BAD_MAGIC');
    const missing = run('inspect', names.next());
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('ERR_DATABLOCK_NOT_FOUND');
  });

  it('gc removes only segments whose creator and participants are all dead; --dry-run removes nothing', async () => {
    const abandoned = names.next();
    const abandonedMutex = names.next();
    const live = names.next();
    const c1 = spawnFixture('holder.mjs', ['block', abandoned, 'create-and-exit']);
    await c1.line('created');
    await c1.exited;
    const c2 = spawnFixture('holder.mjs', ['mutex', abandonedMutex, 'create-and-exit']);
    await c2.line('created');
    await c2.exited;
    const block = DataBlock.create(live, { slotCount: 1, slotSize: 8 });
    const dry = run('gc', '--dry-run', '--json', '--prefix', names.prefix);
    expect(dry.code).toBe(0);
    const d = JSON.parse(dry.out);
    expect(d.removed.map((s: { name: string }) => s.name).sort()).toEqual([abandoned, abandonedMutex].sort());
    expect(names.leftovers().length).toBe(3);
    const real = JSON.parse(run('gc', '--json', '--prefix', names.prefix).out);
    expect(real.removed.length).toBe(2);
    expect(real.kept.map((s: { name: string }) => s.name)).toEqual([live]);
    expect(names.leftovers()).toEqual([`plh.${live}`]);
    block.close();
  });

  it('usage errors exit 2; the bin works', () => {
    expect(run().code).toBe(2);
    expect(run('frobnicate').code).toBe(2);
    expect(run('ls', '--bogus').code).toBe(2);
    expect(run('inspect').code).toBe(2);
    expect(run('--help').code).toBe(0);
    const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const ok = spawnSync(process.execPath, [bin, 'ls', '--prefix', names.prefix], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    const err = spawnSync(process.execPath, [bin, 'inspect', 'a/b'], { encoding: 'utf8' });
    expect(err.status).toBe(1);
    expect(err.stderr).toContain('ERR_DATABLOCK_BAD_NAME');
  });
});
