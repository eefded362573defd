// The first example of a package README, as files to write and a command to run: the release
// round trip runs it in an empty project where only the published package is installed.
// Rules: look in the first "Example" section (else the whole README); take the first JavaScript
// block, or else the first shell block that is not only an install command. A JavaScript block
// named as a file (a first-line comment `// creator.mjs`, or `worker.mjs` in backticks in the
// text just before it) is followed by the next named blocks of the section (parent.mjs after
// worker.mjs): all are written, the last is run. An unnamed block becomes example.mjs (or
// example.cjs when it uses require and has no import). A shell block: its first command.

const FENCE = /^```([\w-]*)\s*$/;
const JS = new Set(['js', 'mjs', 'cjs', 'javascript']);
const SH = new Set(['sh', 'bash', 'shell', 'console']);
const FILE = /[\w.-]+\.(?:mjs|cjs|js)/;
const INSTALL = /^(npm (install|i)|pnpm (add|install|i)|yarn add|npx)\b/;

function blocks(markdown) {
  const lines = markdown.split('\n');
  const out = [];
  let section = null;
  let exampleSection = null;
  let before = [];
  for (let i = 0; i < lines.length; i++) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[i]);
    if (heading) {
      section = { level: heading[1].length, title: heading[2], index: i };
      if (exampleSection === null && /example/i.test(heading[2]) && heading[1].length >= 2) exampleSection = section;
      before = [];
      continue;
    }
    const fence = FENCE.exec(lines[i]);
    if (!fence) {
      if (lines[i].trim()) before.push(lines[i]);
      continue;
    }
    const code = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) code.push(lines[i]);
    out.push({ lang: fence[1].toLowerCase(), code: `${code.join('\n')}\n`, section, before: before.slice(-2) });
    before = [];
  }
  return { all: out, exampleSection };
}

function fileName(block) {
  const first = /^\s*\/\/\s*([\w.-]+\.(?:mjs|cjs|js))\b/.exec(block.code);
  if (first) return first[1];
  const text = block.before.at(-1) ?? '';
  const named = [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((s) => FILE.test(s) && !s.includes(' '));
  return named.at(-1) ?? null;
}

function unnamedFile(code) {
  return /^\s*import\s/m.test(code) || !/\brequire\(/.test(code) ? 'example.mjs' : 'example.cjs';
}

/** { files: [{ name, code }], command: string[] (argv to run in the project directory) }. */
export function firstExample(markdown) {
  const { all, exampleSection } = blocks(markdown);
  const scope = exampleSection ? all.filter((b) => sameSection(b.section, exampleSection, all)) : all;
  const candidates = scope.filter((b) => JS.has(b.lang) || (SH.has(b.lang) && firstCommand(b.code) !== null));
  const first = candidates[0];
  if (!first) throw new Error('no runnable example (no js block and no shell block beyond install commands)');
  if (SH.has(first.lang)) return { files: [], command: ['sh', '-c', firstCommand(first.code)] };
  const name = fileName(first);
  if (name === null) {
    const file = unnamedFile(first.code);
    return { files: [{ name: file, code: first.code }], command: ['node', file] };
  }
  const files = [{ name, code: first.code }];
  for (const next of scope.slice(scope.indexOf(first) + 1)) {
    const nextName = JS.has(next.lang) ? fileName(next) : null;
    if (nextName === null) break;
    files.push({ name: nextName, code: next.code });
  }
  return { files, command: ['node', files.at(-1).name] };
}

function sameSection(section, exampleSection, all) {
  // A block belongs to the example section when it sits under that heading or a deeper one
  // before the next heading of the same or a higher level.
  if (!section) return false;
  if (section === exampleSection) return true;
  if (section.index < exampleSection.index || section.level <= exampleSection.level) return false;
  const headings = [...new Set(all.map((b) => b.section).filter(Boolean))];
  return !headings.some((h) => h.index > exampleSection.index && h.index <= section.index && h.level <= exampleSection.level);
}

function firstCommand(code) {
  for (const raw of code.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').replace(/^\$\s+/, '').trim();
    if (!line || line.startsWith('#')) continue;
    if (INSTALL.test(line)) continue;
    return line;
  }
  return null;
}
