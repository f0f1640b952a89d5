/** Exit codes of `photon`. Stable: scripts test them. */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** A database error, or `check` found a problem. */
  FAILED: 1,
  /** A command-line mistake (unknown option, missing argument). */
  USAGE: 2,
  /** The engine does not support the operation (for example `compact`). */
  UNSUPPORTED: 3,
  /** Cancelled with Ctrl-C. */
  CANCELLED: 130,
} as const;
