/**
 * UsageError: a mistake on the command line (unknown option, missing argument, bad number).
 * It is not a PhotonError because nothing in the database was involved; the CLI prints it as one
 * line with a pointer to `--help` and exits with code 2.
 */

/** Thrown by argument checks; printed without a stack, exit code 2. */
export class UsageError extends Error {
  /** The command whose usage was wrong, for the `--help` hint. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}

/** True for a UsageError (checked by name so that copies of this module agree). */
export function isUsageError(e: unknown): e is UsageError {
  return e instanceof Error && e.name === 'UsageError';
}
