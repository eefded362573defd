// The kill plan of a crash campaign: a pure function of (seed, kills, perRound), so the same seed
// always gives the same plan. The plan says which process (role, worker), at which point of its
// work and after how many operations it dies; the execution order across roles may interleave.

export type CrashPolicy = 'sequential' | 'latest-only';
export type CrashRole = 'producer' | 'consumer' | 'mutex';

/** Self-kill points (the process SIGKILLs itself there) and 'external' (the driver SIGKILLs it). */
export const KILL_POINTS = {
  producer: ['after-acquire', 'mid-write', 'before-commit', 'after-commit', 'external'],
  consumer: ['holding-read', 'after-verify', 'external'],
  mutex: ['after-lock', 'half-update', 'before-unlock', 'external'],
} as const satisfies Record<CrashRole, readonly string[]>;

export type KillPoint = (typeof KILL_POINTS)[CrashRole][number];

export interface PlannedKill {
  /** Position in the whole campaign, from 0. */
  index: number;
  role: CrashRole;
  /** Which worker of the role (latest-only rounds have 2 consumers; every round has 2 mutex workers). */
  worker: number;
  point: KillPoint;
  /** Self kill: the operation (from 1) at which the point is reached; external: the checkpoint count the driver waits for. */
  at: number;
}

export interface PlannedRound {
  index: number;
  policy: CrashPolicy;
  /** Participant table size: 12 leaves 3 to 5 free entries (each process holds one, plus one per producer or consumer), so replacements soon reuse dead processes' entries; 64 rarely. */
  participants: 12 | 64;
  kills: PlannedKill[];
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Workers per role in a round of this policy. */
export function workersOf(role: CrashRole, policy: CrashPolicy): number {
  if (role === 'producer') return 1;
  if (role === 'consumer') return policy === 'latest-only' ? 2 : 1;
  return 2;
}

/** Upper bound of `at` (ops or checkpoints): small, so a kill comes soon after a process starts. */
export const MAX_AT = 24;

export function planCampaign(options: { seed: number; kills: number; perRound: number }): PlannedRound[] {
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const rounds: PlannedRound[] = [];
  let index = 0;
  for (let r = 0; index < options.kills; r++) {
    const policy: CrashPolicy = random() < 0.5 ? 'sequential' : 'latest-only';
    const participants = random() < 0.5 ? 12 : 64;
    const kills: PlannedKill[] = [];
    const count = Math.min(options.perRound, options.kills - index);
    for (let k = 0; k < count; k++) {
      const x = random();
      // Writers die most often (the hardest recovery), then readers, then mutex owners.
      const role: CrashRole = x < 0.4 ? 'producer' : x < 0.75 ? 'consumer' : 'mutex';
      const worker = Math.floor(random() * workersOf(role, policy));
      const point = pick(KILL_POINTS[role]);
      const at = 1 + Math.floor(random() * MAX_AT);
      kills.push({ index: index++, role, worker, point, at });
    }
    rounds.push({ index: r, policy, participants, kills });
  }
  return rounds;
}
