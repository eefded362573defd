// The first example of a package README, as files to write and a command to run: the release
// round trip runs it in an empty project where only the published package is installed.
// It follows the README marker convention of scripts/readme-examples.mjs (CONTRIBUTING.md):
// the first `<!-- example: run FILE -->` block is the example; every `file` block of the README
// is written beside it (its worker, fixtures). A README with no `run` block: its first unmarked
// JavaScript block (example.mjs, or example.cjs when it uses require without import), else the
// first command of its first shell block that is not an install command (e.g. `plh-scenarios list`).
import { extractBlocks } from '../readme-examples.mjs';

const JS = new Set(['js', 'mjs', 'cjs', 'javascript']);
const SH = new Set(['sh', 'bash', 'shell', 'console']);
const INSTALL = /^(npm (install|i)|pnpm (add|install|i)|yarn add|npx)\b/;

/** { files: [{ name, code }], command: string[] (argv, run in the project directory) }. */
export function firstExample(markdown) {
  const blocks = extractBlocks(markdown);
  const run = blocks.find((b) => b.kind === 'run');
  if (run) {
    const files = blocks.filter((b) => b.kind === 'file').map((b) => ({ name: b.arg, code: b.code }));
    files.push({ name: run.arg, code: run.code });
    return { files, command: ['node', run.arg] };
  }
  const js = blocks.find((b) => b.kind === null && JS.has(b.lang));
  if (js) {
    const name = /^\s*import\s/m.test(js.code) || !/\brequire\(/.test(js.code) ? 'example.mjs' : 'example.cjs';
    return { files: [{ name, code: js.code }], command: ['node', name] };
  }
  for (const block of blocks.filter((b) => SH.has(b.lang))) {
    const command = firstCommand(block.code);
    if (command !== null) return { files: [], command: ['sh', '-c', command] };
  }
  throw new Error('no runnable example: no `run` block, no JavaScript block, no shell command');
}

function firstCommand(code) {
  for (const raw of code.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\$\s+/, '').trim();
    if (!line || line.startsWith('#') || INSTALL.test(line)) continue;
    return line;
  }
  return null;
}
