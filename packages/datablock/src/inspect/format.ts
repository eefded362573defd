import type { GcResult } from './gc.js';
import type { SegmentReport, SegmentSummary } from './inspect.js';

function alive(flag: boolean | undefined): string {
  return flag === undefined ? '-' : flag ? 'alive' : 'dead';
}

/** Human table for `plh-datablock ls`. */
export function formatList(list: SegmentSummary[]): string {
  if (list.length === 0) return 'no plh segments in /dev/shm\n';
  const rows = [['NAME', 'KIND', 'SIZE', 'CREATOR', 'STATE', 'PARTICIPANTS']];
  for (const s of list) {
    rows.push([
      s.name,
      s.kind,
      String(s.size),
      s.creatorPid === undefined ? '-' : `${s.creatorPid} (${alive(s.creatorAlive)})`,
      s.valid ? (s.inUse ? 'in use' : 'abandoned') : `invalid: ${s.error?.code ?? '?'}`,
      `${s.liveParticipants} live`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Human report for `plh-datablock inspect NAME`. */
export function formatReport(r: SegmentReport): string {
  const lines = [`${r.kind} '${r.name}' (${r.file})`];
  if (!r.valid) {
    lines.push(`  invalid: ${r.error?.code ?? '?'}: ${r.error?.message ?? ''}`);
    return lines.join('\n') + '\n';
  }
  lines.push(`  creator: pid ${r.creatorPid} (${alive(r.creatorAlive)})`, `  in use: ${r.inUse ? 'yes' : 'no'}`);
  if (r.layout) {
    lines.push('  layout:');
    for (const [k, v] of Object.entries(r.layout)) lines.push(`    ${k}: ${String(v)}`);
  }
  if (r.mutex) {
    const m = r.mutex;
    lines.push(
      `  mutex: ${m.locked ? `locked by tid ${m.ownerTid} (${m.ownerAlive ? 'alive' : 'dead'})` : 'unlocked'}` +
        `${m.waiters ? ', waiters' : ''}${m.ownerDied ? ', owner died' : ''}${m.notRecoverable ? ', NOT RECOVERABLE' : ''}` +
        `, unlock generation ${m.unlockGeneration}, async waiters ${m.asyncWaiters}`,
    );
  }
  lines.push(`  participants (${r.participants.length}):`);
  for (const p of r.participants) lines.push(`    #${p.index} ${p.role} pid ${p.pid} start ${p.startTime} ${p.alive ? 'alive' : 'dead'}`);
  const d = r.slots;
  if (d) {
    const who = (o: { participant: number; pid: number; alive: boolean }): string => `#${o.participant}/pid ${o.pid} ${o.alive ? 'alive' : 'dead'}`;
    lines.push(`  slots: policy ${d.policy}, next slotId ${d.nextSlotId}${d.endOfStream ? ', end of stream' : ''}, producer ${d.producer ? who(d.producer) : 'none'}`);
    for (const c of d.consumers) {
      lines.push(`    consumer ${who(c)} position ${c.position}${c.heldSlot === null ? '' : ` holds slot ${c.heldSlot}`}${c.syncActive ? ' (sync)' : ''}`);
    }
    const shown = d.slots.slice(0, 64);
    for (const s of shown) {
      const parts = [`    [${s.index}] ${s.state.padEnd(9)} slotId ${s.slotId} length ${s.length}`];
      if (s.pending) parts.push(s.pendingReaders.length > 0 ? `pending for ${s.pendingReaders.map(who).join(', ')}` : 'unconsumed');
      if (s.writer) parts.push(`writer ${who(s.writer)}`);
      if (s.readers.length > 0) parts.push(`readers ${s.readers.map(who).join(', ')}`);
      lines.push(parts.join(', '));
    }
    if (d.slots.length > shown.length) lines.push(`    ... ${d.slots.length - shown.length} more slots (use --json)`);
  }
  return lines.join('\n') + '\n';
}

export function formatGc(r: GcResult): string {
  const lines: string[] = [];
  for (const s of r.removed) lines.push(`${r.dryRun ? 'would remove' : 'removed'} ${s.kind} '${s.name}'`);
  for (const s of r.kept) lines.push(`kept ${s.kind} '${s.name}': ${s.reason}`);
  if (lines.length === 0) lines.push('nothing to do');
  return lines.join('\n') + '\n';
}
