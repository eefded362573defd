#!/usr/bin/env node
// Fails when the output of the README's commands (pnpm install, pnpm start, pnpm test, saved by
// .ci/run) carries a warning a user cannot act on: a newcomer should see what happened, not the
// build's chatter. Usage: node scripts/ci/check-noise.mjs LOG...
import { readFileSync } from 'node:fs';

/** Patterns that fail the check, with what the line means. */
const NOISE = [
  [/Your Vite config uses features that are unsupported/, 'Vite config warning (import a config with its file extension, ESM as .mts/.mjs)'],
  [/\(node:\d+\) \[?\w*\]? ?(Deprecation|Experimental|TimeoutOverflow|MaxListenersExceeded)Warning/, 'a Node.js process warning'],
  [/(^|: )\s*WARN\s/, 'a pnpm warning'],
  [/(^|: )gyp info /, 'node-gyp build chatter of @plh/datablock-native (its build prints one line, node-gyp output only on failure)'],
];
/** Known noise that its owner is removing: reported, not failed (remove the entry once it is gone). */
const PENDING = [
];

let failed = 0;
for (const log of process.argv.slice(2)) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes (ESC [ ... m)
  const lines = readFileSync(log, 'utf8').split('\n').map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').replace(/^[@\w/.-]+:\w+: /, ''));
  for (const [list, fails] of [[NOISE, true], [PENDING, false]]) {
    for (const [pattern, what] of list) {
      const hits = lines.filter((line) => pattern.test(line));
      if (hits.length === 0) continue;
      console.log(`${fails ? 'FAIL' : 'note'} ${log}: ${hits.length} line(s) of ${what}, e.g.\n  ${hits[0].trim()}`);
      if (fails) failed++;
    }
  }
}
if (failed === 0) console.log(`no unactionable warnings in ${process.argv.length - 2} log(s)`);
process.exitCode = failed > 0 ? 1 : 0;
