#!/usr/bin/env node
// Entry of the baseline comparison's processes: `node baseline/worker.js <module.worker> [args...]`.
import { runWorker } from '@plh/worker-process/worker';
import { exchangeReader } from './exchange-reader.js';
import { signalWriter } from './signal-workers.js';
import { sleepAttacher, sleepCreator, sleepWriter } from './sleep-workers.js';

runWorker({
  'baseline.sleepCreator': sleepCreator,
  'baseline.sleepAttacher': sleepAttacher,
  'baseline.sleepWriter': sleepWriter,
  'baseline.reader': exchangeReader,
  'signal.writer': signalWriter,
  'signal.reader': exchangeReader,
});
