import { tail } from '../io/output.js';

export interface ExitInfo {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** "exited with code 3" / "was killed by SIGKILL" / "is still running". */
export function describeExit(exit: ExitInfo | undefined): string {
  if (!exit) return 'is still running';
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.exitCode}`;
}

/** A labelled block with the tail of an output stream, or '' when it is empty. */
export function outputSection(label: string, text: string): string {
  const t = tail(text);
  return t ? `\n--- last lines of ${label} ---\n${t}` : `\n(${label} was empty)`;
}
