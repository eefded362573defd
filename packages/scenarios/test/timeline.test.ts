import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'plh-timeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('plh-scenarios run --timeline DIR', () => {
  it('writes a text and a Mermaid sequence diagram per scenario', async () => {
    await run(process.execPath, [cli, 'run', 'signals.CheckpointRelayAcrossThreeProcesses', '--timeline', dir], { timeout: 60_000 });
    const text = readFileSync(join(dir, 'signals.CheckpointRelayAcrossThreeProcesses.txt'), 'utf8');
    const mermaid = readFileSync(join(dir, 'signals.CheckpointRelayAcrossThreeProcesses.mmd'), 'utf8');
    expect(text.split('\n')[0]).toMatch(/ms\s+scenario\s+\S+ \(pid \d+\)\s+\S+ \(pid \d+\)\s+\S+ \(pid \d+\)/);
    expect(text.match(/spawn /g)).toHaveLength(3);
    expect(text).toMatch(/ready \(pipe\)/);
    expect(text).toMatch(/checkpoint /);
    expect(text).toMatch(/exited with code 0|killed by SIGKILL/);
    expect(mermaid.startsWith('sequenceDiagram\n  participant T as scenario\n')).toBe(true);
    expect(mermaid.match(/^ {2}T->>P\d: spawn /gm)).toHaveLength(3);
    expect(mermaid).toMatch(/^ {2}P\d-->>T: checkpoint /m);
  });
});
