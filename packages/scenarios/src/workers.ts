#!/usr/bin/env node
// The one worker entry: `node workers.js <worker name> [args...]`, names in workers/registry.ts.
import { runWorker } from '@plh/worker-process/worker';
import { workerRegistry } from './workers/registry.js';

runWorker(workerRegistry);
