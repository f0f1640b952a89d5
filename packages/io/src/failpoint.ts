/**
 * Failpoints: named hooks that durability steps in other packages call
 * (`failpoint('wal:before-datasync')`). A no-op unless a test installs a handler, which may throw
 * to inject a failure at exactly that step. One process-wide handler; tests install it through
 * `withFailpoints` from `@photondb/io/testing`, which restores the previous one.
 *
 * Deliberately not configurable from the environment: production code pays one null check.
 */

type FailpointHandler = (name: string) => void;

let handler: FailpointHandler | null = null;

/**
 * Marks a named step. Calls the installed handler with `name` (and lets its exception propagate);
 * does nothing when no handler is installed.
 */
export function failpoint(name: string): void {
  if (handler !== null) handler(name);
}

/**
 * Installs `next` as the process-wide failpoint handler (null removes it) and returns the handler
 * it replaced, so a caller can restore it.
 */
export function setFailpointHandler(next: FailpointHandler | null): FailpointHandler | null {
  const previous = handler;
  handler = next;
  return previous;
}
