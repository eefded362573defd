// One round of the campaign: one DataBlock, a producer, one or two consumers and two mutex
// workers running at once; each planned kill ends one generation of its worker, and a
// replacement (the next generation) attaches, recovers and goes on. Then the driver says
// "finish", the last generations end cleanly, and the round's invariants are checked.
import type { ChildProcess } from 'node:child_process';
import { DataBlock } from '@plh/datablock';
import { spawnWorkerWithReadySignal, type WorkerProcess } from '@plh/worker-process';
import { onLines } from '../campaign/lines.js';
import { workersEntry } from '../context.js';
import type { CrashResources } from './cleanup.js';
import { problem, type CrashCounters } from './counters.js';
import { workersOf, type CrashRole, type PlannedKill, type PlannedRound } from './plan.js';
import { FLEX_ZONE_SIZE, L_LAST, M_A, M_B, SLOT_COUNT, SLOT_SIZE, STUCK_EXIT_CODE } from './protocol.js';

/** PLH_CRASH_TRACE=1 prints every worker event on stderr (debugging a failure). */
const TRACE = process.env.PLH_CRASH_TRACE === '1';

/** A generation must make its first operation within this bound of its spawn (else: failed recovery). */
export const RECOVERY_BOUND_MS = 30_000;
/** A generation armed with a kill must die within this bound (else: stuck). */
export const KILL_BOUND_MS = 60_000;
/** The last generations must end within this bound after "finish" (else: stuck). */
export const FINISH_BOUND_MS = 60_000;

export interface RoundOptions {
  /** Pause between operations of a survivor, ms (see worker-io.ts pace()). */
  paceMs: number;
  /** Overrides the plan's participant table size (e.g. 64 to avoid entry reuse). */
  participants?: number;
  /** false: replacements rely on automatic recovery only (no forceReclaimSlot / releaseZombieReaders / cleanupDeadConsumers). */
  explicitRecovery?: boolean;
  counters: CrashCounters;
  resources: CrashResources;
  /** Called for every kill that happened. */
  onKill?: (kill: PlannedKill) => void;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Generation {
  worker: WorkerProcess;
  child: ChildProcess;
  kill: PlannedKill | undefined;
  /** Resolves true at the first operation, false if the process exited before. */
  ok: Promise<boolean>;
  exited: Promise<Exit>;
  /** Killed by the driver for a reason other than the plan (bound hit, round aborted). */
  killedByDriver: boolean;
  /** True once its exit was accounted for as a failure. */
  failed: boolean;
  stderr: string;
}

/** One release on the worker's pipe ("go", then "finish"); a worker already gone needs none. */
function tell(g: Generation | undefined): void {
  if (g === undefined || g.child.exitCode !== null || g.child.signalCode !== null) return;
  try {
    g.worker.release();
  } catch {
    // Exited meanwhile: its exit is accounted for by the lane.
  }
}

interface Lane {
  role: CrashRole;
  worker: number;
  queue: PlannedKill[];
  gen: number;
}

/** A bound that turns a hang into a counted failure; it orders nothing. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'bound'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'bound'>((resolve) => {
    timer = setTimeout(() => resolve('bound'), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

export class Round {
  readonly name: string;
  readonly index: number;
  readonly #plan: PlannedRound;
  readonly #opts: RoundOptions;
  readonly #c: CrashCounters;
  readonly #live = new Set<Generation>();
  #block: DataBlock | undefined;
  #aborted = false;
  #endSeq = -1;

  constructor(plan: PlannedRound, options: RoundOptions) {
    this.#plan = plan;
    this.#opts = options;
    this.#c = options.counters;
    this.name = `crash-${process.pid}-${plan.index}`;
    this.index = plan.index;
  }

  #where(lane: Lane): string {
    return `round ${this.#plan.index} (${this.#plan.policy}) ${lane.role}#${lane.worker} generation ${lane.gen}`;
  }

  #fail(key: 'failedRecoveries' | 'stuck' | 'workerErrors', line: string): void {
    this.#c[key]++;
    problem(this.#c, line);
  }

  /** Kills every live process of this round; the lanes stop spawning. */
  #abort(why: string): void {
    if (!this.#aborted) problem(this.#c, `round ${this.#plan.index} aborted: ${why}`);
    this.#aborted = true;
    for (const g of this.#live) {
      g.killedByDriver = true;
      g.child.kill('SIGKILL');
    }
  }

  #onLine(lane: Lane, g: Generation, line: string, okResolve: (v: boolean) => void): void {
    const c = this.#c;
    if (TRACE) process.stderr.write(`trace ${this.#where(lane)} pid ${g.child.pid}: ${line}\n`);
    const [tag, rest] = [line.split(' ', 1)[0], line.slice(line.indexOf(' ') + 1)];
    switch (tag) {
      case 'up':
        return;
      case 'ok':
        okResolve(true);
        return;
      case 'c':
        // External kill: at a seeded count of the progress checkpoints the worker reports.
        if (g.kill?.point === 'external' && Number(rest) === g.kill.at) g.child.kill('SIGKILL');
        return;
      case 'ended':
        this.#endSeq = Number(rest);
        return;
      case 'eos':
        return;
      case 'corrupt':
        c.corruptAccepted++;
        break;
      case 'lost':
        c.lost += Number(rest.split(' ', 1)[0]);
        break;
      case 'order':
        c.outOfOrder++;
        break;
      case 'rejected':
        c.checksumRejected++;
        break;
      case 'recovered':
        c.mutexRecoveries++;
        return;
      case 'explicit':
        c.explicitRecoveries += Number(rest.split(' ', 1)[0]);
        return;
      case 'inconsistent':
        c.mutexInconsistent++;
        break;
      case 'stuck':
        c.stuck++;
        g.failed = true;
        break;
      default:
        c.workerErrors++;
        break;
    }
    problem(c, `${this.#where(lane)}: ${line}`);
  }

  /** Starts a generation; a standby one boots now and attaches at "go" (its start-up overlaps its predecessor's work). */
  #spawn(lane: Lane, kill: PlannedKill | undefined, gen: number, standby: boolean): Generation {
    const block = this.name;
    const point = kill?.point ?? 'none';
    // A process armed for an external kill runs unpaced, so the kill can land anywhere in its work.
    const paceMs = point === 'external' ? 0 : this.#opts.paceMs;
    // Through @plh/worker-process: its lifeline ends the worker if the campaign dies; the
    // release pipe carries "go" (a standby generation starts) and then "finish".
    const worker = spawnWorkerWithReadySignal(
      workersEntry,
      `crash.${lane.role}`,
      [block, String(gen), point, String(kill?.at ?? 0), String(paceMs), standby ? 'standby' : 'now'],
      { env: { PLH_CRASH_EXPLICIT: this.#opts.explicitRecovery === false ? '0' : '1' }, release: true, maxBuffer: 64 * 1024 },
    );
    const child = worker.child;
    this.#c.processes++;
    this.#opts.resources.children.add(child);
    let okResolve: (v: boolean) => void = () => {};
    const g: Generation = {
      worker, child, kill, killedByDriver: false, failed: false, stderr: '',
      ok: new Promise<boolean>((resolve) => {
        okResolve = resolve;
      }),
      exited: new Promise<Exit>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', (error) => {
          g.stderr += String(error);
          resolve({ code: -1, signal: null });
        });
      }),
    };
    this.#live.add(g);
    onLines(child.stdout, (line) => this.#onLine(lane, g, line, okResolve));
    child.stderr!.on('data', (chunk: Buffer) => {
      if (g.stderr.length < 4000) g.stderr += chunk.toString();
    });
    void g.exited.then(() => {
      okResolve(false);
      this.#live.delete(g);
      this.#opts.resources.children.delete(child);
    });
    return g;
  }

  /** Runs the lane's generations, one per planned kill; returns its last generation once it made its first operation. */
  async #runLane(lane: Lane): Promise<Generation | undefined> {
    let g = this.#spawn(lane, lane.queue.shift(), lane.gen, false);
    for (;;) {
      const kill = g.kill;
      // The replacement boots while this generation works; it attaches only after this one died.
      const standby = kill === undefined ? undefined : this.#spawn(lane, lane.queue.shift(), lane.gen + 1, true);
      const first = await within(g.ok, RECOVERY_BOUND_MS);
      if (this.#aborted) return undefined;
      if (first === 'bound') {
        this.#fail('failedRecoveries', `${this.#where(lane)}: no first operation within ${RECOVERY_BOUND_MS} ms of its start`);
        this.#abort('a recovery failed');
        return undefined;
      }
      if (kill === undefined) {
        if (first) return g;
        const exit = await g.exited;
        if (!g.killedByDriver && !g.failed) {
          this.#fail('failedRecoveries', `${this.#where(lane)}: exited (${exit.signal ?? exit.code}) before its first operation: ${g.stderr.trim()}`);
        }
        this.#abort('a recovery failed');
        return undefined;
      }
      const exit = await within(g.exited, KILL_BOUND_MS);
      if (this.#aborted) return undefined;
      if (exit === 'bound') {
        this.#fail('stuck', `${this.#where(lane)}: armed for ${kill.point} at ${kill.at}, still running after ${KILL_BOUND_MS} ms`);
        this.#abort('a planned kill did not happen');
        return undefined;
      }
      if (exit.signal === 'SIGKILL' && !g.killedByDriver) {
        const c = this.#c;
        c.kills++;
        c.killsByRole[kill.role] = (c.killsByRole[kill.role] ?? 0) + 1;
        const key = `${kill.role}/${kill.point}`;
        c.killsByPoint[key] = (c.killsByPoint[key] ?? 0) + 1;
        this.#opts.onKill?.(kill);
      } else if (!g.killedByDriver) {
        if (!g.failed) this.#fail('workerErrors', `${this.#where(lane)}: armed for ${kill.point} at ${kill.at}, exited ${exit.signal ?? exit.code}: ${g.stderr.trim()}`);
        this.#abort('a worker failed');
        return undefined;
      }
      lane.gen++;
      g = standby!;
      tell(g); // go
    }
  }

  /** Runs the round; never throws for a worker failure (it is counted). Always removes the segment. */
  async run(): Promise<void> {
    const plan = this.#plan;
    const resources = this.#opts.resources;
    const block = DataBlock.create(this.name, {
      slotCount: SLOT_COUNT, slotSize: SLOT_SIZE, policy: plan.policy, checksum: 'crc32c', checksumPolicy: 'enforced', flexZoneSize: FLEX_ZONE_SIZE,
      maxParticipants: this.#opts.participants ?? plan.participants,
    });
    this.#block = block;
    resources.segments.add(this.name);
    this.#c.rounds++;
    try {
      const flex = new Int32Array(block.flexZone.buffer, block.flexZone.byteOffset, FLEX_ZONE_SIZE >> 2);
      Atomics.store(flex, L_LAST, -1);
      const lanes: Lane[] = [];
      for (const role of ['producer', 'consumer', 'mutex'] as const) {
        for (let w = 0; w < workersOf(role, plan.policy); w++) {
          lanes.push({ role, worker: w, gen: 0, queue: plan.kills.filter((k) => k.role === role && k.worker === w) });
        }
      }
      const finals = await Promise.all(lanes.map((lane) => this.#runLane(lane)));
      if (!this.#aborted) {
        for (const [i, lane] of lanes.entries()) if (lane.role !== 'consumer') tell(finals[i]); // finish
        const ends = await within(Promise.all(finals.map((g) => g!.exited)), FINISH_BOUND_MS);
        if (ends === 'bound') {
          this.#fail('stuck', `round ${plan.index}: the last generations did not end within ${FINISH_BOUND_MS} ms of "finish"`);
          this.#abort('finish did not complete');
        } else {
          for (const [i, exit] of ends.entries()) {
            const g = finals[i]!;
            if (exit.code !== 0 && !g.failed && !(exit.code === STUCK_EXIT_CODE)) {
              this.#fail('workerErrors', `${this.#where(lanes[i]!)}: the last generation exited ${exit.signal ?? exit.code}: ${g.stderr.trim()}`);
            }
          }
          this.#checkEnd(flex);
        }
      }
      await this.#stopAll();
    } finally {
      await this.#stopAll();
      block.close();
      try {
        DataBlock.unlink(this.name);
      } catch {
        // Removed by a signal handler meanwhile.
      }
      resources.segments.delete(this.name);
    }
  }

  /** SIGKILLs any process of this round still running and waits for every exit. */
  async #stopAll(): Promise<void> {
    const live = [...this.#live];
    for (const g of live) {
      g.killedByDriver = true;
      g.child.kill('SIGKILL');
    }
    await Promise.all(live.map((g) => g.exited));
  }

  /** The round's invariants once its last generations ended cleanly. */
  #checkEnd(flex: Int32Array): void {
    const c = this.#c;
    const plan = this.#plan;
    const block = this.#block!;
    if (plan.policy === 'sequential') {
      // Every slotId below the end of the stream was committed (a replacement producer reuses the
      // id of a slot its predecessor did not commit): the consumers must have recorded up to endSeq - 1.
      const last = Atomics.load(flex, L_LAST);
      if (this.#endSeq < 0) this.#fail('workerErrors', `round ${plan.index}: the producer did not report the end of its stream`);
      else {
        c.committed += this.#endSeq;
        if (last < this.#endSeq - 1) {
          c.lost += this.#endSeq - 1 - last;
          problem(c, `round ${plan.index}: the consumers recorded up to slot ${last}, the stream ended at ${this.#endSeq}`);
        }
      }
    }
    // The last producer rewrote every slot after the last kill, and every process closed
    // normally: no slot may be mid-write or draining, and no reader mark may remain.
    for (const s of block.diagnose().slots) {
      if (s.state === 'WRITING' || s.state === 'DRAINING' || s.readers.length > 0) {
        this.#fail('stuck', `round ${plan.index}: at the end slot ${s.index} is ${s.state} with readers [${s.readers.map((r) => `${r.pid}${r.alive ? '' : ' (dead)'}`).join(', ')}]`);
      }
    }
    const a = Atomics.load(flex, M_A);
    const b = Atomics.load(flex, M_B);
    if (a !== b) {
      c.mutexInconsistent++;
      problem(c, `round ${plan.index}: the mutex-protected record ends inconsistent (${a} != ${b})`);
    }
  }
}
