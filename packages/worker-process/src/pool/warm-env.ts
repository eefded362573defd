/** Names the fd on which a warm worker receives its assignment (set only by a WorkerPool). */
export const WARM_FD_ENV = 'PLH_WARM_ASSIGN_FD';

/** What a WorkerPool sends a warm worker, as one JSON line: the worker to run and its inputs. */
export interface WarmAssignment {
  scenario: string;
  args: string[];
  /** Merged into process.env before the worker runs (undefined removes a variable). */
  env: Record<string, string | undefined>;
}

/** Written by a warm worker on the assignment pipe once its entry is imported and it waits. */
export const WAITING_BYTE = 'w';
