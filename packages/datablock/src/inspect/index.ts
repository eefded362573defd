// ls / inspect / gc of segments in /dev/shm (the CLI and its library calls).
export { listSegments, inspectSegment, type SegmentSummary, type SegmentReport } from './inspect.js';
export { gcSegments, type GcResult } from './gc.js';
export { runCli, USAGE, type CliIo } from './run-cli.js';
