import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMAT_VERSION } from '../src/layout/constants.js';
import { BLOCK_FIELDS, COMMON_FIELDS, MUTEX_FIELDS, type FieldSpec } from '../src/layout/fields.js';
import { PARTICIPANT_WORDS, PROTOCOL_WORDS_START } from '../src/participants/table.js';

// LAYOUT.md cannot drift from the code: its header field tables must list exactly the fields of
// src/layout/fields.ts (offset, type, name, in order), and its title the format version.

const layout = readFileSync(new URL('../LAYOUT.md', import.meta.url), 'utf8');

/** The rows `| off | type | field | ...` of the table under the heading starting with `heading`. */
function tableRows(heading: string): Array<{ offset: number; type: string; name: string }> {
  const start = layout.indexOf(`\n## ${heading}`);
  expect(start, `LAYOUT.md has a section '## ${heading}'`).toBeGreaterThanOrEqual(0);
  const rows: Array<{ offset: number; type: string; name: string }> = [];
  for (const line of layout.slice(start + 1).split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !/^\d+$/.test(cells[1]!)) continue;
    rows.push({ offset: Number(cells[1]), type: cells[2]!, name: cells[3]! });
  }
  return rows;
}

function fieldsOf(table: Record<string, FieldSpec>, skip: Record<string, FieldSpec> = {}): Array<{ offset: number; type: string; name: string }> {
  return Object.entries(table).filter(([name]) => !(name in skip)).map(([name, f]) => ({ offset: f.offset, type: f.type, name }));
}

describe('LAYOUT.md matches the code', () => {
  it('its title names the format version', () => {
    expect(layout.split('\n')[0]).toBe(`# DataBlock segment layout (format version ${FORMAT_VERSION})`);
    expect(layout).toContain(`| 4 | u32 | version | ${FORMAT_VERSION}, else`);
  });

  it('the common prefix table is COMMON_FIELDS', () => {
    expect(tableRows('Common prefix')).toEqual(fieldsOf(COMMON_FIELDS));
  });

  it('the DataBlock table is BLOCK_FIELDS after the common prefix', () => {
    expect(tableRows('DataBlock fields')).toEqual(fieldsOf(BLOCK_FIELDS, COMMON_FIELDS));
  });

  it('the DataBlockMutex table is MUTEX_FIELDS after the common prefix', () => {
    const rows = tableRows('DataBlockMutex fields').map((r) => ({ ...r, name: r.name.replace(/ \(.*\)$/, '') }));
    expect(rows).toEqual(fieldsOf(MUTEX_FIELDS, COMMON_FIELDS));
  });

  it('the participants table says where the slot protocol words start and how long an entry is', () => {
    expect(layout).toContain(`entries of ${PARTICIPANT_WORDS * 4} bytes = ${PARTICIPANT_WORDS} x i32`);
    expect(layout).toContain(`| ${PROTOCOL_WORDS_START}..${PARTICIPANT_WORDS - 1} | owned by the slot protocol`);
  });
});

describe('README.md says what the code does', () => {
  it('CRC-32C runs natively from NATIVE_CRC_MIN_BYTES', async () => {
    const { NATIVE_CRC_MIN_BYTES } = await import('../src/slots/checksum.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`CRC-32C runs natively (SSE4.2 in @plh/datablock-native, about 7.8 GB/s at 1 MiB) from ${NATIVE_CRC_MIN_BYTES} B up`);
    expect(readme).not.toMatch(/The CRCs run in TypeScript/);
  });
});
