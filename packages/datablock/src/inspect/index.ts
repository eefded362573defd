export { listSegments, inspectSegment, type SegmentSummary, type SegmentReport } from './inspect.js';
export { gcSegments, type GcResult } from './gc.js';
export { runCli, USAGE, type CliIo } from './run-cli.js';
