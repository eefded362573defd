import type { Policy } from '../../layout/constants.js';
import { latestOnly } from './latest-only.js';
import type { SlotPolicy } from './policy.js';
import { sequential } from './sequential.js';
import { sequentialSync } from './sequential-sync.js';

/** The strategy object of a block's policy (chosen once, at create/attach). */
export function policyFor(policy: Policy): SlotPolicy {
  return policy === 'latest-only' ? latestOnly : policy === 'sequential' ? sequential : sequentialSync;
}
export type { Cursor, SlotPolicy } from './policy.js';
