#!/usr/bin/env node
// Entry of every scenario worker: `node workers.js <module.worker> [args...]`.
import { runWorker } from '@plh/worker-process';
import * as signals from './workers/signals.js';

runWorker({
  'signals.slowInit': signals.slowInit,
  'signals.dieBeforeReady': signals.dieBeforeReady,
  'signals.relayStep': signals.relayStep,
});
