// The numbers of LAYOUT.md, parsed from the file itself: header offsets, word indexes, codes and
// CRC parameters. test/doc-reader.ts acts on a segment knowing only these (no import of src/).
import { readFileSync } from 'node:fs';

export const layoutText = readFileSync(new URL('../LAYOUT.md', import.meta.url), 'utf8');
/** The text with every run of white space made one space (sentences wrap across lines). */
export const layoutFlat = layoutText.replace(/\s+/g, ' ');

/** Lines under the first heading (any level) starting with `heading`, up to the next heading. */
function section(heading: string): string[] {
  const lines = layoutText.split('\n');
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, '').startsWith(heading));
  if (start < 0) throw new Error(`LAYOUT.md has no heading '${heading}'`);
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#+ /.test(line)) break;
    out.push(line);
  }
  return out;
}

function cellsOf(line: string): string[] {
  return line.split('|').slice(1, -1).map((c) => c.trim());
}

/** Table rows under `heading` whose first cell is a number or a list like `2, 3`. */
function numberedRows(heading: string): Array<{ words: number[]; cells: string[] }> {
  const rows: Array<{ words: number[]; cells: string[] }> = [];
  for (const line of section(heading)) {
    if (!line.startsWith('|')) continue;
    const cells = cellsOf(line);
    if (!/^\d+(, \d+)*$/.test(cells[0] ?? '')) continue;
    rows.push({ words: cells[0]!.split(', ').map(Number), cells });
  }
  return rows;
}

/** Word indexes by field name (the first word of the field cell: `seq lo/hi: ...` -> seq). */
function wordsByName(heading: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const row of numberedRows(heading)) {
    const name = /^[A-Za-z]+/.exec(row.cells[1] ?? '')?.[0];
    if (name !== undefined && !(name in out)) out[name] = row.words;
  }
  return out;
}

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`LAYOUT.md does not say ${what}`);
  return value;
}

/** `0 FREE, 1 WRITING` -> { FREE: 0, WRITING: 1 } */
function codes(list: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of list.matchAll(/(\d+) ([\w-]+)/g)) out[m[2]!] = Number(m[1]);
  return out;
}

function header(): Record<string, { offset: number; type: string }> {
  const out: Record<string, { offset: number; type: string }> = {};
  for (const h of ['Common prefix', 'DataBlock fields']) {
    for (const row of numberedRows(h)) out[row.cells[2]!] = { offset: row.words[0]!, type: row.cells[1]! };
  }
  return out;
}

function headerRule(field: string): string {
  for (const row of numberedRows('DataBlock fields')) if (row.cells[2] === field) return row.cells[3]!;
  throw new Error(`LAYOUT.md has no header field ${field}`);
}

/** The CRC table of "Checksums": per column (crc32c, crc32) its parameters and checksum code. */
function crcParams(): Record<string, { code: number; poly: number; reflectedPoly: number; init: number; xorout: number; check: number; reflected: boolean }> {
  const rows = section('Checksums').filter((l) => l.startsWith('|')).map(cellsOf);
  const head = need(rows.find((r) => r[0] === 'parameter'), 'the checksum parameter table');
  const value = (param: string, col: number): string => need(rows.find((r) => r[0] === param)?.[col], `the CRC ${param}`);
  const hex = (param: string, col: number): number => Number(need(/0x[0-9A-Fa-f]+/.exec(value(param, col))?.[0], `the CRC ${param} in hex`));
  const out: ReturnType<typeof crcParams> = {};
  for (let col = 1; col < head.length; col++) {
    const m = need(/^(\w+) \(checksum code (\d+)\)$/.exec(head[col]!), 'the checksum kind and code of a CRC column');
    out[m[1]!] = {
      code: Number(m[2]),
      poly: hex('poly', col),
      reflectedPoly: hex('reflected poly', col),
      init: hex('init', col),
      xorout: hex('xorout', col),
      check: hex('check ("123456789")', col),
      reflected: value('refin, refout', col) === 'true',
    };
  }
  return out;
}

export const doc = {
  /** '/dev/shm/plh.' from "a DataBlock `foo` is `/plh.foo` (`/dev/shm/plh.foo`)". */
  shmPrefix: need(/a DataBlock `foo` is `\/plh\.foo` \(`(\/dev\/shm\/plh\.)foo`\)/.exec(layoutFlat)?.[1], 'the /dev/shm path of a block'),
  header: header(),
  policy: codes(headerRule('policy')),
  checksum: codes(headerRule('checksum')),
  state: wordsByName('Block-wide state area'),
  control: wordsByName('Slot control line'),
  participant: { ...wordsByName('Participants table'), ...wordsByName('Participant entry words') },
  slotState: codes(need(/bits 0-1: ([^;]+);/.exec(layoutFlat)?.[1], 'the slot state codes')),
  role: codes(need(/\| 1 \| role: ([^|]+) \|/.exec(layoutFlat)?.[1], 'the role codes')),
  entryState: codes(need(/\| 0 \| state: (\d+ free, \d+ active)/.exec(layoutFlat)?.[1], 'the entry state codes')),
  tokenShift: Number(need(/`\(generation << (\d+)\) \| \(index \+ 1\)`/.exec(layoutFlat)?.[1], 'the token format')),
  crc: crcParams(),
};
