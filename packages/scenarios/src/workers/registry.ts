// Every worker name in one registry: the scenario workers, the baseline comparison's processes
// and the crash and fuzz campaigns' workers. The one entry (workers.ts) runs them by name; the
// warm-worker pool imports it ahead of time. Worker code only: nothing here imports the parent
// side of @plh/worker-process (execa), so a worker starts fast.
import type { WorkerScenario } from '@plh/worker-process/worker';
import { exchangeReader } from '../baseline/exchange-reader.js';
import { signalWriter } from '../baseline/signal-workers.js';
import { sleepAttacher, sleepCreator, sleepWriter } from '../baseline/sleep-workers.js';
import { consumer as crashConsumer, mutex as crashMutex, producer as crashProducer } from '../crash/roles.js';
import { fuzzBatch } from '../fuzz/batch-worker.js';
import * as mutex from './mutex.js';
import * as signals from './signals.js';
import * as slotsDraining from './slots-draining.js';
import * as slotsExchange from './slots-exchange.js';
import * as slotsPolicies from './slots-policies.js';
import * as slotsRecovery from './slots-recovery.js';

export const workerRegistry = {
  // scenario workers (catalog/)
  'signals.slowInit': signals.slowInit,
  'signals.dieBeforeReady': signals.dieBeforeReady,
  'signals.relayStep': signals.relayStep,
  'mutex.createAndHold': mutex.createAndHold,
  'mutex.attachAndLock': mutex.attachAndLock,
  'mutex.lockAndDie': mutex.lockAndDie,
  'mutex.recoverLock': mutex.recoverLock,
  'mutex.attachMissing': mutex.attachMissing,
  'mutex.timeoutConvention': mutex.timeoutConvention,
  'slots.exchangeWriter': slotsExchange.exchangeWriter,
  'slots.exchangeReader': slotsExchange.exchangeReader,
  'slots.streamProducer': slotsExchange.streamProducer,
  'slots.streamConsumer': slotsExchange.streamConsumer,
  'slots.fillThenBlockProducer': slotsExchange.fillThenBlockProducer,
  'slots.phasedProducer': slotsPolicies.phasedProducer,
  'slots.latestConsumer': slotsPolicies.latestConsumer,
  'slots.holdReader': slotsDraining.holdReader,
  'slots.drainProducer': slotsDraining.drainProducer,
  'slots.refusedReader': slotsDraining.refusedReader,
  'slots.readOnce': slotsDraining.readOnce,
  'slots.zombieWriter': slotsRecovery.zombieWriter,
  'slots.reclaimer': slotsRecovery.reclaimer,
  'slots.holdingWriter': slotsRecovery.holdingWriter,
  'slots.recoverer': slotsRecovery.recoverer,
  'slots.zombieReader': slotsRecovery.zombieReader,
  'slots.zombieReleaser': slotsRecovery.zombieReleaser,
  // baseline comparison (baseline/)
  'baseline.sleepCreator': sleepCreator,
  'baseline.sleepAttacher': sleepAttacher,
  'baseline.sleepWriter': sleepWriter,
  'baseline.reader': exchangeReader,
  'signal.writer': signalWriter,
  'signal.reader': exchangeReader,
  // campaigns (crash/, fuzz/)
  'crash.producer': crashProducer,
  'crash.consumer': crashConsumer,
  'crash.mutex': crashMutex,
  'fuzz.batch': fuzzBatch,
} satisfies Record<string, WorkerScenario>;

/** A name the one entry knows. */
export type WorkerName = keyof typeof workerRegistry;
