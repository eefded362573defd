#!/usr/bin/env node
// The plh-datablock executable: runs the CLI (inspect/run-cli.ts) and exits with its code.
import { runCli } from './inspect/run-cli.js';

process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
