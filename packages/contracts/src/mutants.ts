/**
 * Mutants: test-only switches that each remove one safety step (a datasync, a directory sync, a
 * conflict check …) so the durability and isolation suites can prove they catch its absence
 * (../shared/TESTING.md R3 and R8). A suite that still passes with a mutant on measures nothing.
 *
 * Off unless a test turns one on, with `setMutants()` in-process or `PHOTON_MUTANTS=a,b` in the
 * environment of a child process. Production code asks `mutantActive(name)` at the one place the
 * step happens; the check is a Set lookup that is skipped entirely while no mutant is on.
 *
 * The known names, and the package that honours each:
 *  - `wal-skip-datasync`: the log resolves a synced flush without syncing (wal);
 *  - `wal-skip-dir-sync`: a new log segment's directory entry is not synced (wal);
 *  - `engine-ack-before-durable`: a commit is applied and acknowledged before its log flush (engine);
 *  - `engine-truncate-before-checkpoint`: the log is truncated before the page file's checkpoint (engine);
 *  - `slab-overwrite-live-page`: a freed page is reused before the next checkpoint, overwriting a
 *    page the durable checkpoint still references (slab);
 *  - `engine-no-conflict-check`, `engine-late-snapshot`, `engine-rollback-leak`: planted
 *    isolation bugs for the history checker (engine).
 */

const active = new Set<string>();

function fromEnvironment(): void {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.PHOTON_MUTANTS;
  if (env) for (const name of env.split(',')) if (name.trim()) active.add(name.trim());
}
fromEnvironment();

/** True when the named mutant is switched on (tests only). */
export function mutantActive(name: string): boolean {
  return active.size !== 0 && active.has(name);
}

/** Switches exactly these mutants on (an empty list switches all off). Tests only. */
export function setMutants(names: readonly string[]): void {
  active.clear();
  for (const n of names) active.add(n);
}
