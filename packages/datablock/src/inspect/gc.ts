import { unlinkSegment } from '../segment.js';
import { listSegments, type SegmentSummary } from './inspect.js';

export interface GcResult {
  removed: SegmentSummary[];
  kept: Array<SegmentSummary & { reason: string }>;
  dryRun: boolean;
}

/**
 * Removes our segments whose creator and participants are all dead (and whose mutex has no live
 * owner). Never removes one in use. Invalid segments (bad header, never initialised) are kept
 * unless `includeInvalid` is set. `dryRun` reports without removing. `prefix` limits gc to user
 * names starting with it.
 */
export function gcSegments(options: { dryRun?: boolean; includeInvalid?: boolean; prefix?: string } = {}): GcResult {
  const dryRun = options.dryRun === true;
  const result: GcResult = { removed: [], kept: [], dryRun };
  for (const s of listSegments(options.prefix)) {
    if (s.inUse) {
      result.kept.push({ ...s, reason: 'in use (a live creator, participant or mutex owner)' });
      continue;
    }
    if (!s.valid && options.includeInvalid !== true) {
      result.kept.push({ ...s, reason: `invalid (${s.error?.code ?? 'unknown'}); pass --include-invalid to remove` });
      continue;
    }
    if (!dryRun) {
      try {
        unlinkSegment(s.kind, s.name);
      } catch (error) {
        result.kept.push({ ...s, reason: `unlink failed: ${(error as Error).message}` });
        continue;
      }
    }
    result.removed.push(s);
  }
  return result;
}
