#!/usr/bin/env node
// Entry of every scenario worker: `node workers.js <module.worker> [args...]`.
import { runWorker } from '@plh/worker-process/worker';
import * as mutex from './workers/mutex.js';
import * as signals from './workers/signals.js';

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
});
