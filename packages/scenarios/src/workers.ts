#!/usr/bin/env node
// Entry of every scenario worker: `node workers.js <module.worker> [args...]`.
import { runWorker } from '@plh/worker-process/worker';
import * as mutex from './workers/mutex.js';
import * as signals from './workers/signals.js';
import * as slotsDraining from './workers/slots-draining.js';
import * as slotsExchange from './workers/slots-exchange.js';
import * as slotsPolicies from './workers/slots-policies.js';
import * as slotsRecovery from './workers/slots-recovery.js';

runWorker({
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
});
