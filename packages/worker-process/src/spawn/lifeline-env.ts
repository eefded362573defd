/** Environment variable naming the child's end of the parent lifeline (an fd number). */
export const LIFELINE_FD_ENV = 'PLH_PARENT_LIFELINE_FD';
/** Exit code of a worker that noticed its parent died (128 + SIGHUP, like a hung-up terminal). */
export const PARENT_GONE_EXIT_CODE = 129;
