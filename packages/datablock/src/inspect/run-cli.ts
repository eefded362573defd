import { DataBlockError } from '../errors.js';
import { formatGc, formatList, formatReport } from './format.js';
import { gcSegments } from './gc.js';
import { inspectSegment, listSegments } from './inspect.js';

export const USAGE = `Usage: plh-datablock <command> [options]

Commands:
  ls                    list plh segments in /dev/shm (kind, size, creator pid, alive?)
  inspect NAME          header, layout, participants and mutex state of a segment (read-only)
  gc                    remove segments whose creator and participants are all dead
Options:
  --json                machine-readable output
  --mutex               (inspect) NAME is a DataBlockMutex
  --dry-run             (gc) report what would be removed
  --include-invalid     (gc) also remove segments with an invalid header
  --prefix P            (ls, gc) only names starting with P
  -h, --help            this help
Exit codes: 0 ok, 1 error, 2 usage.
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Runs the CLI and returns its exit code (no process.exit here: testable). */
export function runCli(argv: string[], io: CliIo): number {
  let prefix: string | undefined;
  const rest0: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--prefix') {
      prefix = argv[++i];
      if (prefix === undefined || prefix === '') return usageOnly(io, '--prefix needs a value');
    } else if (a.startsWith('--prefix=')) {
      prefix = a.slice('--prefix='.length);
    } else rest0.push(a);
  }
  const flags = new Set(rest0.filter((a) => a.startsWith('-')));
  const args = rest0.filter((a) => !a.startsWith('-'));
  const known = new Set(['--json', '--mutex', '--dry-run', '--include-invalid', '-h', '--help']);
  if (flags.has('-h') || flags.has('--help')) {
    io.stdout(USAGE);
    return 0;
  }
  const unknown = [...flags].filter((f) => !known.has(f));
  const usage = (why: string): number => usageOnly(io, why);
  if (unknown.length > 0) return usage(`unknown option ${unknown.join(', ')}`);
  const json = flags.has('--json');
  const print = (value: unknown, human: string): void => io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : human);
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'ls': {
        if (rest.length > 0) return usage('ls takes no arguments');
        const list = listSegments(prefix);
        print(list, formatList(list));
        return 0;
      }
      case 'inspect': {
        if (rest.length !== 1) return usage('inspect takes exactly one NAME');
        const report = inspectSegment(rest[0]!, flags.has('--mutex') ? 'DataBlockMutex' : 'DataBlock');
        print(report, formatReport(report));
        return report.valid ? 0 : 1;
      }
      case 'gc': {
        if (rest.length > 0) return usage('gc takes no arguments');
        const result = gcSegments({ dryRun: flags.has('--dry-run'), includeInvalid: flags.has('--include-invalid'), ...(prefix === undefined ? {} : { prefix }) });
        print(result, formatGc(result));
        return 0;
      }
      case undefined:
        return usage('missing command');
      default:
        return usage(`unknown command '${command}'`);
    }
  } catch (error) {
    const e = error as DataBlockError;
    if (json) io.stdout(`${JSON.stringify({ error: { code: e.code ?? 'ERR_DATABLOCK_SYSTEM', message: e.message } })}\n`);
    io.stderr(`plh-datablock: ${e instanceof DataBlockError ? `${e.code}: ` : ''}${e.message}\n`);
    return 1;
  }
}

function usageOnly(io: CliIo, why: string): number {
  io.stderr(`plh-datablock: ${why}\n\n${USAGE}`);
  return 2;
}
