#!/usr/bin/env node
// Entry of the crash campaign's workers: `node crash/worker.js crash.<role> <block> <gen> <point> <at> <paceMs>`.
// Imports the light '/worker' entry of worker-process (no execa) to keep start-up short.
import { runWorker } from '@plh/worker-process/worker';
import { consumer, mutex, producer } from './roles.js';

runWorker({ 'crash.producer': producer, 'crash.consumer': consumer, 'crash.mutex': mutex });
